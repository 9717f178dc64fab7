#include "store/store_impl.h"

#include <limits.h>

#include <sqlite3.h>

#include "util/log.h"

/*
 * Schema migrations of the SQLite store. schema_migrations[i] takes a store
 * from version i to version i + 1; each runs in one transaction with the
 * bump of schema_version, so a store is always at exactly one version. Add
 * a migration by appending to the array; never edit one that has shipped.
 *
 * Tables are STRICT so that a text in an integer column or a text where a
 * hash belongs is an error, not a silent conversion.
 */
static const char *const schema_migrations[] = {
	/* 1: CAs, certificates in two-step issuance, counters. */
	"CREATE TABLE schema_version ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  version INTEGER NOT NULL CHECK (version > 0)"
	") STRICT;"
	"CREATE TABLE cas ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('root', 'issuing', 'responder')),"
	"  key_name TEXT UNIQUE NOT NULL,"
	"  parent TEXT REFERENCES cas (name),"
	"  subject_der BLOB NOT NULL,"
	"  spki_der BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE certificates ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL REFERENCES cas (name),"
	"  serial TEXT NOT NULL,"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('intent', 'issued', 'aborted')),"
	"  tbs_sha256 BLOB NOT NULL CHECK (length(tbs_sha256) = 32),"
	"  profile TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  subject_ca TEXT REFERENCES cas (name),"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  der BLOB,"
	"  status TEXT NOT NULL DEFAULT 'good'"
	"    CHECK (status IN ('good', 'revoked', 'hold')),"
	"  revoked_at INTEGER,"
	"  reason INTEGER,"
	"  invalidity_at INTEGER,"
	"  intent_at INTEGER NOT NULL,"
	"  issued_at INTEGER,"
	"  UNIQUE (issuer, serial),"
	"  CHECK ((state = 'issued') = (der IS NOT NULL))"
	") STRICT;"
	/* intent_at too: the store_cert_each_* walks go oldest first. */
	"CREATE INDEX certificates_state ON certificates (state, intent_at);"
	"CREATE INDEX certificates_subject_ca"
	"  ON certificates (subject_ca, intent_at);"
	"CREATE INDEX certificates_issuer_status"
	"  ON certificates (issuer, status);"
	/*
	 * The certificate table is the CA's evidence (CP-4.3.1): rows are
	 * never deleted, a serial and its TBS hash never change, state only
	 * moves from intent to issued or aborted, and signed DER is never
	 * replaced. The triggers hold this against any code path, not only
	 * ours.
	 */
	"CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates"
	" BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END;"
	"CREATE TRIGGER certificates_fixed"
	" BEFORE UPDATE OF id, issuer, serial, tbs_sha256, intent_at"
	" ON certificates"
	" BEGIN SELECT RAISE(ABORT, 'certificate identity is fixed'); END;"
	"CREATE TRIGGER certificates_state_forward"
	" BEFORE UPDATE OF state ON certificates"
	" WHEN NEW.state IS NOT OLD.state AND NOT (OLD.state = 'intent'"
	"   AND NEW.state IN ('issued', 'aborted'))"
	" BEGIN SELECT RAISE(ABORT, 'certificate state only moves forward');"
	" END;"
	"CREATE TRIGGER certificates_der_fixed"
	" BEFORE UPDATE OF der ON certificates"
	" WHEN OLD.der IS NOT NULL AND NEW.der IS NOT OLD.der"
	" BEGIN SELECT RAISE(ABORT, 'signed certificates are never replaced');"
	" END;"
	"CREATE TABLE counters ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  value INTEGER NOT NULL CHECK (value > 0)"
	") STRICT;",

	/*
	 * 2: revocation and suspension (CP-4.9), archived CRLs (CP-4.9.7)
	 * and pre-signed OCSP responses (CP-4.9.9). Version 1 already has
	 * the columns status, revoked_at, reason and invalidity_at.
	 *
	 * The CRL walk reads the partial index certificates_revoked alone
	 * (it holds every column the walk reads or tests); good rows, the
	 * vast majority, are not in it and cost issuance nothing. It
	 * supersedes certificates_issuer_status, and UNIQUE (issuer,
	 * serial) serves counts per issuer.
	 */
	"DROP INDEX certificates_issuer_status;"
	"CREATE INDEX certificates_revoked ON certificates"
	"  (issuer, serial, not_after, profile, revoked_at, reason,"
	"  invalidity_at, status, state)"
	"  WHERE status != 'good' AND state = 'issued';"
	/*
	 * A row starts good, and once: INSERT OR REPLACE would otherwise
	 * delete a revoked row, without its delete trigger (SQLite fires
	 * those only with recursive_triggers), and insert it good again.
	 */
	"CREATE TRIGGER certificates_insert_once BEFORE INSERT ON certificates"
	" WHEN NEW.status IS NOT 'good' OR NEW.revoked_at IS NOT NULL"
	"   OR NEW.reason IS NOT NULL OR NEW.invalidity_at IS NOT NULL"
	"   OR EXISTS (SELECT 1 FROM certificates WHERE id = NEW.id)"
	"   OR EXISTS (SELECT 1 FROM certificates"
	"     WHERE issuer = NEW.issuer AND serial = NEW.serial)"
	" BEGIN SELECT RAISE(ABORT, 'certificates are inserted once, good');"
	" END;"
	/*
	 * Revocation only moves forward, and only for issued certificates:
	 * good to hold or revoked, hold to revoked (CP-4.9.13). Its time,
	 * reason and invalidity date change only with the status, so a
	 * revocation is never undone nor redated.
	 */
	"CREATE TRIGGER certificates_status_forward"
	" BEFORE UPDATE OF status, revoked_at, reason, invalidity_at"
	" ON certificates"
	" WHEN (NEW.status IS NOT OLD.status"
	"   OR NEW.revoked_at IS NOT OLD.revoked_at"
	"   OR NEW.reason IS NOT OLD.reason"
	"   OR NEW.invalidity_at IS NOT OLD.invalidity_at)"
	"   AND NOT (OLD.state = 'issued' AND"
	"   ((OLD.status = 'good' AND NEW.status IN ('hold', 'revoked')) OR"
	"   (OLD.status = 'hold' AND NEW.status = 'revoked')))"
	" BEGIN SELECT RAISE(ABORT, 'revocation only moves from good to hold"
	" or revoked, or from hold to revoked');"
	" END;"
	/*
	 * RFC 5280 §5.3.1 and §5.3.2: a hold is certificateHold (6); a
	 * revocation has any other reason a CRL entry keeps (not 7,
	 * unassigned, nor 8, removeFromCRL); an invalidity date is not
	 * after the revocation date.
	 */
	"CREATE TRIGGER certificates_status_valid"
	" BEFORE UPDATE OF status, revoked_at, reason, invalidity_at"
	" ON certificates"
	" WHEN NEW.status != 'good' AND NOT (NEW.revoked_at IS NOT NULL AND"
	"   ((NEW.status = 'hold' AND NEW.reason IS 6) OR"
	"   (NEW.status = 'revoked' AND NEW.reason IN (0, 1, 2, 3, 4, 5, 9,"
	"   10))) AND"
	"   (NEW.invalidity_at IS NULL OR NEW.invalidity_at <= NEW.revoked_at))"
	" BEGIN SELECT RAISE(ABORT, 'revocation needs a time and a reason"
	" that fits its status (RFC 5280 §5.3.1)');"
	" END;"
	/*
	 * CRLs as published, kept for the archive: never changed, never
	 * deleted, and numbered upwards per issuer (RFC 5280 §5.2.3). The
	 * number trigger also refuses INSERT OR REPLACE of a number used.
	 */
	"CREATE TABLE crls ("
	"  issuer TEXT NOT NULL REFERENCES cas (name),"
	"  number INTEGER NOT NULL CHECK (number >= 0),"
	"  this_update INTEGER NOT NULL,"
	"  next_update INTEGER NOT NULL CHECK (next_update > this_update),"
	"  der BLOB NOT NULL CHECK (length(der) > 0),"
	"  created_at INTEGER NOT NULL,"
	"  PRIMARY KEY (issuer, number)"
	") STRICT;"
	"CREATE TRIGGER crls_number_increases BEFORE INSERT ON crls"
	" WHEN NEW.number <= (SELECT max(number) FROM crls"
	"   WHERE issuer = NEW.issuer)"
	" BEGIN SELECT RAISE(ABORT, 'CRL numbers strictly increase"
	" (RFC 5280 §5.2.3)');"
	" END;"
	"CREATE TRIGGER crls_no_update BEFORE UPDATE ON crls"
	" BEGIN SELECT RAISE(ABORT, 'CRLs are never changed'); END;"
	"CREATE TRIGGER crls_no_delete BEFORE DELETE ON crls"
	" BEGIN SELECT RAISE(ABORT, 'CRLs are never deleted'); END;"
	/*
	 * One response per certificate and CertID hash, replaced on
	 * refresh. Only an issued certificate gets one: a responder must
	 * not vouch for a serial never issued.
	 */
	"CREATE TABLE ocsp_responses ("
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  hash_alg TEXT NOT NULL CHECK (hash_alg IN ('sha1', 'sha256')),"
	"  der BLOB NOT NULL CHECK (length(der) > 0),"
	"  this_update INTEGER NOT NULL,"
	"  next_update INTEGER NOT NULL CHECK (next_update > this_update),"
	"  produced_at INTEGER NOT NULL,"
	"  PRIMARY KEY (issuer, serial, hash_alg)"
	") STRICT;"
	/* The refresher's walk, soonest due first. */
	"CREATE INDEX ocsp_responses_next_update"
	"  ON ocsp_responses (next_update);"
	"CREATE TRIGGER ocsp_responses_issued BEFORE INSERT ON ocsp_responses"
	" WHEN NOT EXISTS (SELECT 1 FROM certificates"
	"   WHERE issuer = NEW.issuer AND serial = NEW.serial"
	"   AND state = 'issued')"
	" BEGIN SELECT RAISE(ABORT, 'OCSP responses are for issued"
	" certificates only');"
	" END;"
	"CREATE TRIGGER ocsp_responses_fixed"
	" BEFORE UPDATE OF issuer, serial, hash_alg ON ocsp_responses"
	" BEGIN SELECT RAISE(ABORT, 'OCSP response identity is fixed'); END;",

	/* 3: a responder loads only what was signed since its last look. */
	"CREATE INDEX ocsp_responses_produced"
	"  ON ocsp_responses (produced_at);",

	/*
	 * 4: the audit log (CP-5.4), a hash chain (src/audit/chain.c), and
	 * its checkpoints signed by the audit key. Records are appended,
	 * never changed; they are deleted only by a purge (CP-5.5.2), and
	 * only up to a signed checkpoint of kind 'purge', which marks where
	 * the kept chain starts. The hashes are checked by inkan audit
	 * verify, which does not trust these triggers.
	 */
	"CREATE TABLE audit_log ("
	"  seq INTEGER PRIMARY KEY CHECK (seq > 0),"
	"  time INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  auth TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT,"
	"  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),"
	"  hash BLOB NOT NULL CHECK (length(hash) = 32)"
	") STRICT;"
	"CREATE INDEX audit_log_time ON audit_log (time);"
	"CREATE TABLE audit_checkpoints ("
	"  seq INTEGER NOT NULL CHECK (seq >= 0),"
	"  head_hash BLOB NOT NULL CHECK (length(head_hash) = 32),"
	"  time INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('seal', 'purge')),"
	"  signature BLOB NOT NULL CHECK (length(signature) > 0),"
	"  PRIMARY KEY (seq, kind)"
	") STRICT;"
	"CREATE TRIGGER audit_log_append BEFORE INSERT ON audit_log"
	" WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1"
	"   FROM audit_log) AND EXISTS (SELECT 1 FROM audit_log)"
	" BEGIN SELECT RAISE(ABORT, 'audit records are appended in sequence');"
	" END;"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'audit records are never changed'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" WHEN OLD.seq > (SELECT coalesce(max(seq), 0) FROM audit_checkpoints"
	"   WHERE kind = 'purge')"
	" BEGIN SELECT RAISE(ABORT, 'audit records are deleted only by a"
	" purge, up to its signed checkpoint'); END;"
	"CREATE TRIGGER audit_checkpoints_no_update"
	" BEFORE UPDATE ON audit_checkpoints"
	" BEGIN SELECT RAISE(ABORT, 'audit checkpoints are never changed');"
	" END;"
	"CREATE TRIGGER audit_checkpoints_no_delete"
	" BEFORE DELETE ON audit_checkpoints"
	" WHEN OLD.seq >= (SELECT coalesce(max(seq), 0)"
	"   FROM audit_checkpoints WHERE kind = 'purge')"
	" BEGIN SELECT RAISE(ABORT, 'audit checkpoints are deleted only by a"
	" purge, before its own'); END;",

	/*
	 * 5: RA (CP-1.3.2, 3.2.2, 4.1.1, 6.5.1): organisations and LRAs with
	 * their identity evidence, operator accounts with roles and TOTP,
	 * and login sessions. Session tokens are kept only as SHA-256
	 * hashes; passwords only as Argon2id strings (src/ra/password.c).
	 */
	"CREATE TABLE ra_orgs ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT UNIQUE NOT NULL,"
	"  display_name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('lra', 'organisation')),"
	"  status TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (status IN ('pending', 'approved', 'rejected')),"
	"  policies TEXT NOT NULL DEFAULT '',"
	"  options TEXT NOT NULL DEFAULT '{}',"
	"  registered_by TEXT NOT NULL,"
	"  registered_at INTEGER NOT NULL,"
	"  decided_by TEXT,"
	"  decided_at INTEGER,"
	"  decision_note TEXT,"
	"  CHECK ((status = 'pending') = (decided_at IS NULL))"
	") STRICT;"
	/* A decision is final: approved or rejected never moves again. */
	"CREATE TRIGGER ra_orgs_decided BEFORE UPDATE OF status ON ra_orgs"
	" WHEN OLD.status != 'pending' AND NEW.status IS NOT OLD.status"
	" BEGIN SELECT RAISE(ABORT, 'an organisation decision is final');"
	" END;"
	"CREATE TABLE ra_evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES ra_orgs (id),"
	"  doc_type TEXT NOT NULL,"
	"  doc_issuer TEXT NOT NULL,"
	"  issued_on INTEGER NOT NULL,"
	"  reference TEXT NOT NULL DEFAULT '',"
	"  disposition TEXT NOT NULL DEFAULT 'held'"
	"    CHECK (disposition IN ('held', 'returned', 'destroyed')),"
	"  recorded_by TEXT NOT NULL,"
	"  recorded_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TRIGGER ra_evidence_no_delete BEFORE DELETE ON ra_evidence"
	" BEGIN SELECT RAISE(ABORT, 'evidence records are never deleted');"
	" END;"
	"CREATE TABLE ra_accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT UNIQUE NOT NULL,"
	"  role TEXT NOT NULL"
	"    CHECK (role IN ('admin', 'ra', 'lra', 'auditor', 'custodian')),"
	"  org_id INTEGER REFERENCES ra_orgs (id),"
	"  pw_hash TEXT NOT NULL,"
	"  totp_secret BLOB,"
	"  totp_pending BLOB,"
	"  totp_last_step INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	/* CP-1.3.2: an LRA operator acts for exactly one LRA. */
	"  CHECK ((role = 'lra') = (org_id IS NOT NULL))"
	") STRICT;"
	"CREATE TABLE ra_sessions ("
	"  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),"
	"  account_id INTEGER NOT NULL REFERENCES ra_accounts (id),"
	/* 0: password only, for TOTP enrolment alone (CP-6.5.1). */
	"  full INTEGER NOT NULL CHECK (full IN (0, 1)),"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID, STRICT;"
	"CREATE INDEX ra_sessions_account ON ra_sessions (account_id);"
	/*
	 * CP-4.9.3: an LRA signs in to the LRA API with a certificate
	 * inkan issued to it; this binds the certificate to the LRA.
	 */
	"CREATE TABLE ra_lra_certs ("
	"  id INTEGER PRIMARY KEY,"
	"  org_id INTEGER NOT NULL REFERENCES ra_orgs (id),"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  bound_by TEXT NOT NULL,"
	"  bound_at INTEGER NOT NULL,"
	"  UNIQUE (issuer, serial),"
	"  FOREIGN KEY (issuer, serial)"
	"    REFERENCES certificates (issuer, serial)"
	") STRICT;",

	/*
	 * 6: the newest revocation time by index (the clock check reads it
	 * at every start; without it, a scan of every revoked row: 0.3 s
	 * at 100,000 revocations).
	 */
	"CREATE INDEX certificates_revoked_at ON certificates (revoked_at)"
	"  WHERE revoked_at IS NOT NULL;",

	/*
	 * 7: e-mail control validations for
	 * S/MIME (CP-3.2.7, SBR 3.2.2, src/ra/validation.h). The random
	 * value is kept only as its SHA-256; a completed validation never
	 * changes again and no validation is ever deleted (SBR 3.2.2: the
	 * CA keeps a record of the method and version of every validation).
	 */
	"CREATE TABLE ra_validations ("
	"  id TEXT PRIMARY KEY CHECK (length(id) = 32),"
	"  method TEXT NOT NULL CHECK (method IN ('operator', 'whois-contact',"
	"    'constructed', 'http', 'dns', 'mailbox')),"
	"  requirement TEXT NOT NULL,"
	"  email TEXT,"
	"  domain TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '',"
	"  evidence TEXT NOT NULL DEFAULT '',"
	"  evidence_ref TEXT NOT NULL DEFAULT '',"
	"  value_hash BLOB UNIQUE"
	"    CHECK (value_hash IS NULL OR length(value_hash) = 32),"
	"  started_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  completed_at INTEGER,"
	"  expires_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('pending', 'sent',"
	"    'completed', 'failed', 'expired')),"
	"  outcome TEXT NOT NULL DEFAULT '',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  CHECK ((method = 'mailbox') = (email IS NOT NULL))"
	") STRICT;"
	"CREATE INDEX ra_validations_domain ON ra_validations"
	"  (domain, state, created_at);"
	"CREATE TRIGGER ra_validations_final BEFORE UPDATE ON ra_validations"
	" WHEN OLD.state IN ('completed', 'failed', 'expired')"
	" BEGIN SELECT RAISE(ABORT, 'a finished validation is final'); END;"
	"CREATE TRIGGER ra_validations_no_delete BEFORE DELETE ON ra_validations"
	" BEGIN SELECT RAISE(ABORT, 'validation records are never deleted');"
	" END;",

	/*
	 * 8: revocation
	 * requests and problem reports (CP-1.5.2, 4.9.1-4.9.5), who owns a
	 * certificate, and the subscriber's suspension login (CP-4.9.13-
	 * 4.9.15, 3.4). Requests and reports are never deleted; a decided
	 * one is final.
	 */
	"CREATE TABLE ra_cert_owners ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  org_id INTEGER REFERENCES ra_orgs (id),"
	"  email TEXT,"
	"  recorded_by TEXT NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  UNIQUE (issuer, serial),"
	"  FOREIGN KEY (issuer, serial)"
	"    REFERENCES certificates (issuer, serial)"
	") STRICT;"
	"CREATE INDEX ra_cert_owners_org ON ra_cert_owners (org_id);"
	"CREATE TRIGGER ra_cert_owners_final BEFORE UPDATE ON ra_cert_owners"
	" BEGIN SELECT RAISE(ABORT, 'certificate owners are never changed');"
	" END;"
	"CREATE TABLE ra_subscriber_creds ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  pw_hash TEXT NOT NULL,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (issuer, serial),"
	"  FOREIGN KEY (issuer, serial)"
	"    REFERENCES certificates (issuer, serial)"
	") STRICT;"
	"CREATE TABLE ra_subscriber_sessions ("
	"  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),"
	"  cred_id INTEGER NOT NULL REFERENCES ra_subscriber_creds (id),"
	"  csrf BLOB NOT NULL CHECK (length(csrf) = 32),"
	"  created_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL"
	") WITHOUT ROWID, STRICT;"
	"CREATE TABLE ra_problem_reports ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('key_compromise', 'misuse', 'other')),"
	"  description TEXT NOT NULL,"
	"  contact TEXT NOT NULL,"
	"  proof TEXT NOT NULL CHECK (proof IN ('none', 'verified')),"
	"  source TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	/* SBR/CSBR 4.9.5: a preliminary report within 24 hours. */
	"  report_due_at INTEGER NOT NULL,"
	/* SBR/CSBR 4.9.1.1: 24 hours for key compromise, else 5 days. */
	"  revoke_by INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'revoked', 'dismissed')),"
	"  reason INTEGER,"
	"  decided_by TEXT,"
	"  decided_at INTEGER,"
	"  decision_note TEXT,"
	"  FOREIGN KEY (issuer, serial)"
	"    REFERENCES certificates (issuer, serial)"
	") STRICT;"
	"CREATE INDEX ra_problem_reports_state ON ra_problem_reports (state);"
	"CREATE TRIGGER ra_problem_reports_final BEFORE UPDATE"
	" ON ra_problem_reports WHEN OLD.state <> 'pending'"
	" BEGIN SELECT RAISE(ABORT, 'a decided report is final'); END;"
	"CREATE TRIGGER ra_problem_reports_no_delete BEFORE DELETE"
	" ON ra_problem_reports"
	" BEGIN SELECT RAISE(ABORT, 'problem reports are never deleted');"
	" END;"
	"CREATE TABLE ra_revocation_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  issuer TEXT NOT NULL,"
	"  serial TEXT NOT NULL,"
	"  requester_kind TEXT NOT NULL CHECK (requester_kind IN"
	"    ('subscriber', 'lra', 'ra', 'ca', 'reporter')),"
	"  requester TEXT NOT NULL,"
	"  org TEXT,"
	"  reason INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 10),"
	"  grounds TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'done', 'refused', 'failed')),"
	"  report_id INTEGER REFERENCES ra_problem_reports (id),"
	"  requested_at INTEGER NOT NULL,"
	"  decided_by TEXT,"
	"  decided_at INTEGER,"
	"  outcome_note TEXT,"
	"  FOREIGN KEY (issuer, serial)"
	"    REFERENCES certificates (issuer, serial)"
	") STRICT;"
	"CREATE INDEX ra_revocation_requests_cert"
	"  ON ra_revocation_requests (issuer, serial);"
	"CREATE TRIGGER ra_revocation_requests_final BEFORE UPDATE"
	" ON ra_revocation_requests WHEN OLD.state <> 'pending'"
	" BEGIN SELECT RAISE(ABORT, 'a decided revocation request is final');"
	" END;"
	"CREATE TRIGGER ra_revocation_requests_no_delete BEFORE DELETE"
	" ON ra_revocation_requests"
	" BEGIN SELECT RAISE(ABORT, 'revocation requests are never deleted');"
	" END;",

	/*
	 * 9: applications (CP-4.1-4.4, 4.8): what was applied for, the
	 * examination checklist, the decision, the certificate issued and
	 * its acceptance; the person in charge of each organisation (the
	 * only address issuance notices go to, CP-4.3.2); applicants marked
	 * in breach (CP-4.2.2).
	 */
	"CREATE TABLE ra_applications ("
	"  id INTEGER PRIMARY KEY,"
	"  org TEXT NOT NULL,"
	"  policy TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  emails TEXT NOT NULL DEFAULT '[]',"
	"  upn TEXT,"
	"  ekus TEXT NOT NULL DEFAULT '[]',"
	"  csr_pem TEXT,"
	"  keygen INTEGER NOT NULL CHECK (keygen IN (0, 1)),"
	"  applicant_name TEXT NOT NULL,"
	"  applicant_email TEXT NOT NULL,"
	"  agreement_version TEXT NOT NULL,"
	"  agreed_at INTEGER NOT NULL,"
	"  replaces_issuer TEXT,"
	"  replaces_serial TEXT,"
	"  status TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (status IN ('pending', 'approved', 'issued', 'rejected')),"
	"  submitted_by TEXT NOT NULL,"
	"  submitted_via TEXT NOT NULL CHECK (submitted_via IN ('ra', 'lra')),"
	"  submitted_at INTEGER NOT NULL,"
	"  decided_by TEXT,"
	"  decided_at INTEGER,"
	"  reason TEXT,"
	"  issue_error TEXT,"
	"  cert_issuer TEXT,"
	"  cert_serial TEXT,"
	"  cert_der BLOB,"
	"  chain_pem TEXT,"
	"  p12 BLOB,"
	"  issued_at INTEGER,"
	"  notice TEXT,"
	"  pin_delivery TEXT,"
	"  accepted_at INTEGER,"
	"  accepted_how TEXT CHECK (accepted_how IN ('receipt', 'auto')),"
	"  accepted_by TEXT,"
	"  objected_at INTEGER,"
	"  objection TEXT,"
	"  CHECK ((csr_pem IS NULL) = (keygen = 1)),"
	"  CHECK ((status = 'issued') = (cert_serial IS NOT NULL))"
	") STRICT;"
	"CREATE INDEX ra_applications_org ON ra_applications (org);"
	"CREATE INDEX ra_applications_email ON ra_applications"
	"  (lower(applicant_email));"
	"CREATE UNIQUE INDEX ra_applications_cert ON ra_applications"
	"  (cert_issuer, cert_serial) WHERE cert_serial IS NOT NULL;"
	/* A rejection or an issuance is final. */
	"CREATE TRIGGER ra_applications_final BEFORE UPDATE OF status"
	"  ON ra_applications"
	" WHEN OLD.status IN ('issued', 'rejected')"
	"  AND NEW.status IS NOT OLD.status"
	" BEGIN SELECT RAISE(ABORT, 'an application decision is final');"
	" END;"
	"CREATE TABLE ra_app_checks ("
	"  app_id INTEGER NOT NULL REFERENCES ra_applications (id),"
	"  item TEXT NOT NULL CHECK (item IN ('identity', 'authority', 'dn',"
	"    'email_control', 'blocklist')),"
	"  result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  evidence TEXT NOT NULL DEFAULT '',"
	"  checked_by TEXT NOT NULL,"
	"  checked_at INTEGER NOT NULL,"
	"  PRIMARY KEY (app_id, item)"
	") STRICT;"
	"CREATE TABLE ra_org_contacts ("
	"  org TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE TABLE ra_breaches ("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  recorded_by TEXT NOT NULL,"
	"  recorded_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX ra_breaches_email ON ra_breaches (lower(email));",
};

#define SCHEMA_VERSION_MAX \
	((int)(sizeof(schema_migrations) / sizeof(schema_migrations[0])))

static int
schema_exec(sqlite3 *db, const char *path, const char *sql,
    const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s: %s", path, what,
		    msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return 0;
	}
	return 1;
}

/*
 * Runs sql, which yields at most one integer: 1 with *found telling
 * whether there was a row, 0 on failure (logged).
 */
static int
schema_query_int(sqlite3 *db, const char *path, const char *sql,
    int64_t *value, int *found)
{
	sqlite3_stmt *stmt = NULL;
	int rc = SQLITE_ERROR, type = SQLITE_INTEGER, ok = 0;

	*found = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		type = sqlite3_column_type(stmt, 0);
		*value = sqlite3_column_int64(stmt, 0);
		*found = 1;
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE) {
		log_error("store: %s: cannot read schema: %s", path,
		    sqlite3_errmsg(db));
		goto out;
	}
	if (type != SQLITE_INTEGER) {
		log_error("store: %s: schema_version damaged (not an integer)",
		    path);
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * Version 0 is an empty database. One with tables but no schema_version
 * is some other program's, and is left alone.
 */
static int
schema_version_read(sqlite3 *db, const char *path, int *version)
{
	int64_t v = 0;
	int found;

	if (!schema_query_int(db, path, "SELECT 1 FROM sqlite_schema"
	    " WHERE type = 'table' AND name = 'schema_version'", &v, &found))
		return 0;
	if (!found) {
		if (!schema_query_int(db, path,
		    "SELECT 1 FROM sqlite_schema LIMIT 1", &v, &found))
			return 0;
		if (found) {
			log_error("store: %s: not an inkan store (it has "
			    "tables but no schema_version)", path);
			return 0;
		}
		*version = 0;
		return 1;
	}
	if (!schema_query_int(db, path,
	    "SELECT version FROM schema_version WHERE id = 1", &v, &found))
		return 0;
	if (!found || v < 1 || v > INT_MAX) {
		log_error("store: %s: schema_version damaged", path);
		return 0;
	}
	*version = (int)v;
	return 1;
}

static int
schema_version_write(sqlite3 *db, const char *path, int version)
{
	sqlite3_stmt *stmt = NULL;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO schema_version (id, version)"
	    " VALUES (1, ?1) ON CONFLICT (id)"
	    " DO UPDATE SET version = excluded.version", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_int(stmt, 1, version) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE) {
		log_error("store: %s: cannot set schema version %d: %s", path,
		    version, sqlite3_errmsg(db));
		goto out;
	}
	ok = 1;
 out:
	sqlite3_finalize(stmt);
	return ok;
}

/*
 * Applies the next migration towards target, if one is due, in its own
 * transaction; *before is the version found. BEGIN IMMEDIATE makes two
 * processes opening the same old store take turns, and the second then
 * finds nothing left to do.
 */
static int
schema_step(sqlite3 *db, const char *path, int target, int *before,
    int *done)
{
	int version, committed = 0, ok = 0;

	*done = 0;
	if (!schema_exec(db, path, "BEGIN IMMEDIATE", "cannot lock store"))
		return 0;
	if (!schema_version_read(db, path, &version))
		goto out;
	*before = version;
	if (version > SCHEMA_VERSION_MAX) {
		log_error("store: %s: schema version %d is newer than this "
		    "inkan knows (%d); use a newer inkan", path, version,
		    SCHEMA_VERSION_MAX);
		goto out;
	}
	if (version >= target) {
		*done = 1;
		ok = 1;
		goto out;
	}
	if (!schema_exec(db, path, schema_migrations[version],
	    "schema migration failed") ||
	    !schema_version_write(db, path, version + 1) ||
	    !schema_exec(db, path, "COMMIT", "cannot commit migration"))
		goto out;
	committed = 1;
	ok = 1;
 out:
	/* SQLite may already have rolled back after an I/O error. */
	if (!committed && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

int
store_sqlite_migrate_to(sqlite3 *db, const char *path, int target)
{
	int first = -1, version = 0, done = 0;

	if (target < 1 || target > SCHEMA_VERSION_MAX) {
		log_error("store: %s: no schema version %d", path, target);
		return 0;
	}
	while (!done) {
		if (!schema_step(db, path, target, &version, &done))
			return 0;
		if (first == -1)
			first = version;
	}
	if (first == 0)
		log_debug("store: %s: created at schema version %d", path,
		    version);
	else if (first < version)
		log_info("store: %s: schema migrated from version %d to %d",
		    path, first, version);
	return 1;
}

int
store_sqlite_migrate(sqlite3 *db, const char *path)
{
	return store_sqlite_migrate_to(db, path, SCHEMA_VERSION_MAX);
}
