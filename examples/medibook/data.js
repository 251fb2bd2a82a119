'use strict';
// In-memory seed data (resets on restart).

const U = { alice: '65b20bb1bcd9b1e6946dfec5', bob: '65b2183c6dd06272ec6da3fa', carol: '65b2f6d5a747e955ed5c0212' };
const P = { alice: '65b2b27a56e9ed92b474ee51', bob: '65b22a67fe283b1412c20bbd', carol: '65b2c13e50a9e99e7b50c321' };
const D = { okafor: '65b2ae01f6e5fa160d514be1', lindqvist: '65b2e1e4e1ce473915bb1184', moreau: '65b2ebc191126b224acb7b66' };

const tokens = {
  'mb_live_563b03613e882f84a4174da454eed8d9': U.alice,
  'mb_live_9401f455dbc302631199513efb977e04': U.bob,
  'mb_live_ad94a82f4efa415d71e16c5868749d45': U.carol,
};

const users = [
  { id: U.alice, username: 'alice', email: 'alice.nguyen@example.com', firstName: 'Alice', lastName: 'Nguyen', patientId: P.alice, role: 'patient', createdAt: '2023-11-02T09:14:22.000Z', updatedAt: '2024-01-18T16:40:03.000Z' },
  { id: U.bob, username: 'bob', email: 'bob.hartley@example.com', firstName: 'Bob', lastName: 'Hartley', patientId: P.bob, role: 'patient', createdAt: '2023-12-05T13:01:47.000Z', updatedAt: '2024-01-20T08:22:10.000Z' },
  { id: U.carol, username: 'carol', email: 'carol.diaz@example.com', firstName: 'Carol', lastName: 'Diaz', patientId: P.carol, role: 'patient', createdAt: '2024-01-09T10:30:00.000Z', updatedAt: '2024-01-22T11:05:51.000Z' },
];

const settings = {
  [U.alice]: { language: 'en', smsReminders: true, emailReminders: true, timezone: 'Europe/London', updatedAt: '2024-01-18T16:40:03.000Z' },
  [U.bob]: { language: 'en', smsReminders: false, emailReminders: true, timezone: 'America/Chicago', updatedAt: '2024-01-20T08:22:10.000Z' },
  [U.carol]: { language: 'es', smsReminders: true, emailReminders: false, timezone: 'Europe/Madrid', updatedAt: '2024-01-22T11:05:51.000Z' },
};

const doctors = [
  { id: D.okafor, firstName: 'Chidi', lastName: 'Okafor', title: 'Dr.', specialty: 'cardiology', clinic: 'Riverside Clinic', officePhone: '+44 20 7946 0101', acceptingNewPatients: true, createdAt: '2022-03-01T08:00:00.000Z', updatedAt: '2023-09-14T12:00:00.000Z' },
  { id: D.lindqvist, firstName: 'Ingrid', lastName: 'Lindqvist', title: 'Dr.', specialty: 'dermatology', clinic: 'Riverside Clinic', officePhone: '+44 20 7946 0102', acceptingNewPatients: false, createdAt: '2022-03-01T08:00:00.000Z', updatedAt: '2023-10-02T12:00:00.000Z' },
  { id: D.moreau, firstName: 'Luc', lastName: 'Moreau', title: 'Dr.', specialty: 'general-practice', clinic: 'Northgate Surgery', officePhone: '+44 20 7946 0177', acceptingNewPatients: true, createdAt: '2022-06-15T08:00:00.000Z', updatedAt: '2023-12-11T12:00:00.000Z' },
];

const patients = [
  { id: P.alice, userId: U.alice, firstName: 'Alice', lastName: 'Nguyen', dateOfBirth: '1988-04-12', nhsNumber: '943 476 5919', bloodType: 'O+', allergies: ['penicillin'], primaryDoctorId: D.moreau, insurance: { provider: 'Bupa', policyNumber: 'BUPA-55120931' }, createdAt: '2023-11-02T09:14:22.000Z', updatedAt: '2024-01-18T16:40:03.000Z' },
  { id: P.bob, userId: U.bob, firstName: 'Bob', lastName: 'Hartley', dateOfBirth: '1975-09-30', nhsNumber: '485 777 3456', bloodType: 'A-', allergies: [], primaryDoctorId: D.okafor, insurance: { provider: 'AXA Health', policyNumber: 'AXA-00781244' }, createdAt: '2023-12-05T13:01:47.000Z', updatedAt: '2024-01-20T08:22:10.000Z' },
  { id: P.carol, userId: U.carol, firstName: 'Carol', lastName: 'Diaz', dateOfBirth: '1996-01-21', nhsNumber: '401 023 2137', bloodType: 'B+', allergies: ['latex', 'ibuprofen'], primaryDoctorId: D.lindqvist, insurance: { provider: 'Vitality', policyNumber: 'VIT-31940017' }, createdAt: '2024-01-09T10:30:00.000Z', updatedAt: '2024-01-22T11:05:51.000Z' },
];

const appointments = [
  { id: 1041, patientId: P.alice, doctorId: D.moreau, startsAt: '2024-02-05T09:30:00.000Z', reason: 'Annual check-up', status: 'scheduled', notes: null, createdAt: '2024-01-10T10:00:00.000Z', updatedAt: '2024-01-10T10:00:00.000Z' },
  { id: 1042, patientId: P.bob, doctorId: D.okafor, startsAt: '2024-02-06T14:00:00.000Z', reason: 'Chest pain follow-up', status: 'scheduled', notes: 'ECG abnormal on 12 Jan; review beta-blocker dose', createdAt: '2024-01-12T15:20:00.000Z', updatedAt: '2024-01-15T09:00:00.000Z' },
  { id: 1043, patientId: P.carol, doctorId: D.lindqvist, startsAt: '2024-02-08T11:15:00.000Z', reason: 'Skin biopsy results', status: 'scheduled', notes: 'Discuss histology; possible referral', createdAt: '2024-01-16T08:45:00.000Z', updatedAt: '2024-01-16T08:45:00.000Z' },
  { id: 1045, patientId: P.alice, doctorId: D.okafor, startsAt: '2024-01-15T10:00:00.000Z', reason: 'Palpitations', status: 'completed', notes: 'Holter monitor ordered', createdAt: '2024-01-03T12:00:00.000Z', updatedAt: '2024-01-15T10:45:00.000Z' },
  { id: 1047, patientId: P.bob, doctorId: D.moreau, startsAt: '2024-02-20T16:30:00.000Z', reason: 'Mental health review', status: 'scheduled', notes: 'Sertraline 100mg, reassess', createdAt: '2024-01-21T17:05:00.000Z', updatedAt: '2024-01-21T17:05:00.000Z' },
];

const labResults = [
  { id: '65b2a58c76a69772d8580d0d', patientId: P.alice, testName: 'Full blood count', status: 'final', result: { haemoglobin: '13.8 g/dL', wbc: '6.1 x10^9/L' }, flagged: false, orderedBy: D.moreau, collectedAt: '2024-01-08T08:10:00.000Z', createdAt: '2024-01-08T08:10:00.000Z', updatedAt: '2024-01-09T14:00:00.000Z' },
  { id: '65b2f494790a2d78ca1d3122', patientId: P.bob, testName: 'Troponin I', status: 'final', result: { troponinI: '0.09 ng/mL' }, flagged: true, orderedBy: D.okafor, collectedAt: '2024-01-12T15:40:00.000Z', createdAt: '2024-01-12T15:40:00.000Z', updatedAt: '2024-01-12T19:30:00.000Z' },
  { id: '65b2317619d68f9607742554', patientId: P.carol, testName: 'Skin biopsy histology', status: 'final', result: { summary: 'Atypical melanocytic proliferation' }, flagged: true, orderedBy: D.lindqvist, collectedAt: '2024-01-16T09:00:00.000Z', createdAt: '2024-01-16T09:00:00.000Z', updatedAt: '2024-01-19T10:12:00.000Z' },
  { id: '65b2c15545b4acca18108eab', patientId: P.alice, testName: 'Thyroid panel', status: 'pending', result: null, flagged: false, orderedBy: D.okafor, collectedAt: '2024-01-15T10:30:00.000Z', createdAt: '2024-01-15T10:30:00.000Z', updatedAt: '2024-01-15T10:30:00.000Z' },
];

const documents = [
  { id: '65b28db36a02f72607a85f5c', patientId: P.alice, title: 'Referral letter - cardiology', mimeType: 'text/plain', content: 'Dear Dr Okafor, please see Ms Nguyen regarding intermittent palpitations...', createdAt: '2024-01-03T12:05:00.000Z', updatedAt: '2024-01-03T12:05:00.000Z' },
  { id: '65b2351919d24e400f4fe883', patientId: P.bob, title: 'Discharge summary', mimeType: 'text/plain', content: 'Mr Hartley admitted 11/01 with NSTEMI, discharged on bisoprolol 5mg...', createdAt: '2024-01-13T18:00:00.000Z', updatedAt: '2024-01-13T18:00:00.000Z' },
  { id: '65b2a812b84d494a02d22d5e', patientId: P.carol, title: 'Histopathology report', mimeType: 'text/plain', content: 'Specimen: shave biopsy left shoulder. Atypical melanocytic proliferation, re-excision advised.', createdAt: '2024-01-19T10:15:00.000Z', updatedAt: '2024-01-19T10:15:00.000Z' },
];

const invoices = [
  { code: 'INV-2024-0007', patientId: P.alice, amount: 120.0, currency: 'GBP', status: 'paid', lineItems: [{ description: 'GP consultation', amount: 120.0 }], billingAddress: '14 Elm Row, London N1 7AA', createdAt: '2024-01-15T11:00:00.000Z', updatedAt: '2024-01-16T09:00:00.000Z' },
  { code: 'INV-2024-0012', patientId: P.bob, amount: 845.5, currency: 'GBP', status: 'overdue', lineItems: [{ description: 'Cardiology consultation', amount: 250.0 }, { description: 'Troponin + ECG', amount: 595.5 }], billingAddress: '3 Mill Lane, Leeds LS2 9JT', createdAt: '2024-01-12T20:00:00.000Z', updatedAt: '2024-01-22T09:00:00.000Z' },
  { code: 'INV-2024-0019', patientId: P.carol, amount: 310.0, currency: 'GBP', status: 'open', lineItems: [{ description: 'Dermatology + biopsy', amount: 310.0 }], billingAddress: 'Calle Mayor 8, 28013 Madrid', createdAt: '2024-01-19T11:00:00.000Z', updatedAt: '2024-01-19T11:00:00.000Z' },
  { code: 'INV-2024-0023', patientId: P.bob, amount: 95.0, currency: 'GBP', status: 'open', lineItems: [{ description: 'Mental health review', amount: 95.0 }], billingAddress: '3 Mill Lane, Leeds LS2 9JT', createdAt: '2024-01-21T17:10:00.000Z', updatedAt: '2024-01-21T17:10:00.000Z' },
];
// invoice code -> owning patient (written by the billing service; codes are canonical upper-case)
const invoiceAcl = Object.fromEntries(invoices.map((i) => [i.code, i.patientId]));

const prescriptions = [
  { id: 'RX-7K2M9Q', patientId: P.alice, medication: 'Propranolol', dosage: '10mg twice daily', refillsRemaining: 2, prescribedBy: D.okafor, createdAt: '2024-01-15T10:50:00.000Z', updatedAt: '2024-01-15T10:50:00.000Z' },
  { id: 'RX-3H8D1P', patientId: P.bob, medication: 'Sertraline', dosage: '100mg once daily', refillsRemaining: 5, prescribedBy: D.moreau, createdAt: '2024-01-21T17:00:00.000Z', updatedAt: '2024-01-21T17:00:00.000Z' },
  { id: 'RX-9W4T6B', patientId: P.carol, medication: 'Isotretinoin', dosage: '20mg once daily', refillsRemaining: 0, prescribedBy: D.lindqvist, createdAt: '2024-01-19T10:30:00.000Z', updatedAt: '2024-01-19T10:30:00.000Z' },
];

module.exports = { tokens, users, settings, doctors, patients, appointments, labResults, documents, invoices, invoiceAcl, prescriptions };
