#ifndef INKAN_CA_BACKUP_H
#define INKAN_CA_BACKUP_H

#include "ca/ca.h"

/*
 * Backups of a CA directory (CP-5.7.2, CP-5.5.4), taken while inkand and
 * other commands go on working. A backup is a folder:
 *
 *   MANIFEST       what it holds: format, time, then one line per folder
 *                  and file (SHA-256, size, mode, path), a count, and the
 *                  SHA-256 of all lines before it
 *   inkan.db       the store, copied with SQLite's online backup API
 *                  (one consistent snapshot), integrity-checked and
 *                  opened as a store before it is declared
 *   everything else of DIR, as it is: inkan.conf, keys/ (still
 *                  encrypted), repository/, ocsp/, log/, unrecorded/ and
 *                  whatever else lives there (the audit log)
 *
 * It is written as OUT.partial and renamed to OUT only when complete and
 * synced, so a backup that exists is whole.
 */

/*
 * Backs up the CA ca (opened without a signer) into the new folder out.
 * Returns 1 on success, 0 on failure (logged; nothing is left at out).
 */
int ca_backup(struct ca *ca, const char *out);

/*
 * Checks the backup folder: the manifest's own hash, every file's size
 * and SHA-256 (the store passed its integrity check before it was
 * hashed). Returns 1 if it is whole, 0 (logged, naming the first problem)
 * if not. Writes nothing.
 */
int ca_backup_verify(const char *backup);

/*
 * CP-5.5.4: when [ca] auto_backup_dir is set and ca->changed (a
 * certificate or a revocation was stored), takes a backup into
 * auto_backup_dir/inkan-backup-YYYYMMDDTHHMMSSZ-PID and removes the
 * oldest beyond auto_backup_keep; clears ca->changed. 1 if nothing was
 * due or the backup was taken; 0 on failure (logged, and audited).
 */
int ca_auto_backup(struct ca *ca);

/*
 * Restores backup into dir, which must be empty or not exist: verifies
 * the whole backup first, copies it, and checks the restored store.
 * Returns 1 on success, 0 on failure (logged; dir is left empty).
 */
int ca_restore(const char *backup, const char *dir);

#endif
