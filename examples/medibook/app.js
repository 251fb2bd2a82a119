'use strict';
// MediBook patient portal API (clinic appointments / patient records).
// Deliberately vulnerable test target: see GROUND_TRUTH.md. TARGET_MODE=fixed closes the planted bugs.

const express = require('express');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const db = require('./data');

const FIXED = (process.env.TARGET_MODE || 'vulnerable').toLowerCase() === 'fixed';
const PORT = parseInt(process.env.PORT || '5077', 10);

const app = express();
app.disable('x-powered-by');
app.use(express.json());

// ---- request id -------------------------------------------------------------
app.use((req, res, next) => {
  req.id = req.get('X-Request-Id') || crypto.randomUUID();
  res.set('X-Request-Id', req.id);
  next();
});

const api = express.Router();

// ---- public: spec + health ---------------------------------------------------
api.get('/health', (req, res) => res.json({ status: 'ok', mode: FIXED ? 'fixed' : 'vulnerable' }));
api.get('/openapi.json', (req, res) => {
  const spec = yaml.load(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));
  res.json(spec);
});

// ---- auth ----------------------------------------------------------------------
function authenticate(req, res, next) {
  const header = req.get('Authorization') || '';
  const m = header.match(/^Bearer\s+(\S+)$/i);
  if (!m) return res.status(401).json({ message: 'Missing bearer token' });
  const userId = db.tokens[m[1]];
  if (!userId) return res.status(401).json({ message: 'Invalid or expired token' });
  req.user = db.users.find((u) => u.id === userId);
  next();
}
api.use(authenticate);

const now = () => new Date().toISOString();
const publicUser = (u) => ({
  id: u.id, username: u.username, email: u.email, firstName: u.firstName, lastName: u.lastName,
  patientId: u.patientId, role: u.role, createdAt: u.createdAt, updatedAt: u.updatedAt,
});

// ---- me / account --------------------------------------------------------------
api.get('/me', (req, res) => res.json({ data: publicUser(req.user) }));

// SAFE look-alike: accountId is accepted for URL compatibility but ignored;
// settings are always loaded for the authenticated account.
api.get('/accounts/:accountId/settings', (req, res) => {
  const settings = db.settings[req.user.id];
  res.json({ data: { accountId: req.user.id, ...settings } });
});

// ---- doctors (public directory, by design) ------------------------------------
api.get('/doctors', (req, res) => {
  let list = db.doctors;
  if (req.query.specialty) list = list.filter((d) => d.specialty.toLowerCase() === String(req.query.specialty).toLowerCase());
  res.json({ data: list, total: list.length });
});
api.get('/doctors/:doctorId', (req, res) => {
  const doc = db.doctors.find((d) => d.id === req.params.doctorId);
  if (!doc) return res.status(404).json({ message: 'Doctor not found' });
  res.json({ data: doc });
});

// ---- patients --------------------------------------------------------------------
// SAFE look-alike: someone else's patient record is indistinguishable from a missing one.
api.get('/patients/:patientId', (req, res) => {
  const p = db.patients.find((x) => x.id === req.params.patientId);
  if (!p || p.id !== req.user.patientId) return res.status(404).json({ message: 'Patient not found' });
  res.json({ data: p });
});

// BUG (list filtered by foreign id): no check that patientId belongs to the caller.
api.get('/patients/:patientId/appointments', (req, res) => {
  const { patientId } = req.params;
  if (FIXED && patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  let list = db.appointments.filter((a) => a.patientId === patientId);
  if (req.query.status) list = list.filter((a) => a.status === req.query.status);
  res.json({ data: list, total: list.length });
});

function requireOwnPatient(req, res, next) {
  if (req.params.patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  next();
}

api.get('/patients/:patientId/documents', requireOwnPatient, (req, res) => {
  const list = db.documents
    .filter((d) => d.patientId === req.params.patientId)
    .map(({ content, ...meta }) => meta);
  res.json({ data: list, total: list.length });
});

// BUG (nested): parent patient is checked, but the document is fetched globally by id.
api.get('/patients/:patientId/documents/:documentId', requireOwnPatient, (req, res) => {
  const doc = db.documents.find((d) => d.id === req.params.documentId &&
    (!FIXED || d.patientId === req.params.patientId));
  if (!doc) return res.status(404).json({ message: 'Document not found' });
  res.json({ data: doc });
});

// ---- appointments ----------------------------------------------------------------
api.get('/appointments', (req, res) => {
  const list = db.appointments.filter((a) => a.patientId === req.user.patientId);
  res.json({ data: list, total: list.length });
});

api.post('/appointments', (req, res) => {
  const { doctorId, startsAt, reason } = req.body || {};
  if (!doctorId || !startsAt) return res.status(400).json({ message: 'doctorId and startsAt are required' });
  if (!db.doctors.find((d) => d.id === doctorId)) return res.status(422).json({ message: 'Unknown doctorId' });
  const appt = {
    id: Math.max(...db.appointments.map((a) => a.id)) + 1,
    patientId: req.user.patientId, doctorId, startsAt, reason: reason || null,
    status: 'scheduled', notes: null, createdAt: now(), updatedAt: now(),
  };
  db.appointments.push(appt);
  res.status(201).json({ data: appt });
});

// BUG (parseInt after string compare): exact string match is ownership-checked, but the
// "legacy zero-padded booking number" fallback (e.g. 001042) resolves via parseInt unchecked.
api.get('/appointments/:appointmentId', (req, res) => {
  const raw = req.params.appointmentId;
  const appt = db.appointments.find((a) => String(a.id) === raw);
  if (appt) {
    if (appt.patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
    return res.json({ data: appt });
  }
  // Booking confirmations sent before 2023 printed zero-padded numbers (e.g. "001041").
  const legacy = db.appointments.find((a) => a.id === parseInt(raw, 10));
  if (!legacy) return res.status(404).json({ message: 'Appointment not found' });
  if (FIXED && legacy.patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  res.json({ data: legacy });
});

// Safe: foreign appointment -> 200 {success:false}
api.delete('/appointments/:appointmentId', (req, res) => {
  const id = parseInt(req.params.appointmentId, 10);
  const appt = db.appointments.find((a) => a.id === id);
  if (!appt || appt.patientId !== req.user.patientId) {
    return res.json({ success: false, message: 'Appointment could not be cancelled' });
  }
  appt.status = 'cancelled';
  appt.updatedAt = now();
  res.json({ success: true, data: appt });
});

// ---- lab results -----------------------------------------------------------------
api.get('/lab-results', (req, res) => {
  const list = db.labResults.filter((r) => r.patientId === req.user.patientId);
  res.json({ data: list, total: list.length });
});

// BUG (plain IDOR by ObjectId): no ownership check at all.
api.get('/lab-results/:resultId', (req, res) => {
  const r = db.labResults.find((x) => x.id === req.params.resultId.toLowerCase());
  if (!r || (FIXED && r.patientId !== req.user.patientId)) return res.status(404).json({ message: 'Lab result not found' });
  res.json(r);
});

// ---- invoices --------------------------------------------------------------------
// BUG (query-param id): ?patientId= is trusted; defaults to the caller.
api.get('/invoices', (req, res) => {
  const patientId = req.query.patientId || req.user.patientId;
  if (FIXED && patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  const list = db.invoices.filter((i) => i.patientId === patientId);
  res.json({ data: list, total: list.length });
});

// BUG (case-insensitive lookup after case-sensitive ACL check).
function checkInvoiceAccess(req, res, next) {
  const code = FIXED ? req.params.invoiceCode.toUpperCase() : req.params.invoiceCode;
  const owner = db.invoiceAcl[code];
  if (owner && owner !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  next();
}
api.get('/invoices/:invoiceCode', checkInvoiceAccess, (req, res) => {
  const code = req.params.invoiceCode.toUpperCase();
  const inv = db.invoices.find((i) => i.code === code);
  if (!inv) return res.status(404).json({ message: 'Invoice not found' });
  res.json({ data: inv });
});

// ---- prescriptions ---------------------------------------------------------------
api.get('/prescriptions', (req, res) => {
  const list = db.prescriptions.filter((p) => p.patientId === req.user.patientId);
  res.json({ data: list, total: list.length });
});

function loadPrescription(req, res, next) {
  const rx = db.prescriptions.find((p) => p.id === req.params.prescriptionId);
  if (!rx) return res.status(404).json({ message: 'Prescription not found' });
  req.prescription = rx;
  next();
}
function ownPrescription(req, res, next) {
  if (req.prescription.patientId !== req.user.patientId) return res.status(403).json({ message: 'Forbidden' });
  next();
}

// BUG (format variant): ".json" download route added for the mobile app skips the owner check.
const jsonVariantChain = FIXED ? [loadPrescription, ownPrescription] : [loadPrescription];
api.get('/prescriptions/:prescriptionId.json', ...jsonVariantChain, (req, res) => {
  res.set('Content-Disposition', `inline; filename="${req.prescription.id}.json"`);
  res.json(req.prescription);
});
api.get('/prescriptions/:prescriptionId', loadPrescription, ownPrescription, (req, res) => {
  res.json({ data: req.prescription });
});

app.use('/api/v1', api);

app.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
  if (err.type === 'entity.parse.failed') return res.status(400).json({ message: 'Malformed JSON body' });
  console.error(`[${req.id}]`, err);
  res.status(500).json({ message: 'Internal Server Error', requestId: req.id });
});

if (require.main === module) {
  const HOST = '127.0.0.1';
  app.listen(PORT, HOST, () => console.log(`MediBook API (${FIXED ? 'fixed' : 'vulnerable'}) on http://${HOST}:${PORT}/api/v1`));
}

module.exports = app;
