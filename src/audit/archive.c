#include "audit/archive.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1t.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "audit/seal.h"
#include "util/file.h"
#include "util/log.h"

/*
 * The archive bundle (CP-5.5), a directory:
 *
 *   MANIFEST                  "inkan archive v1", the period, then one line
 *                             per file: SHA-256, size, path (sorted)
 *   MANIFEST.cms              CMS SignedData (DER), detached, over MANIFEST,
 *                             signed by the audit key with its certificate
 *   audit/records.bin         the records: u32 length, canonical encoding,
 *                             SHA-256 (src/audit/chain.c), each
 *   audit/records.jsonl       the same records, one JSON object a line
 *   audit/checkpoints/N-K.txt checkpoints (text and raw signature) that
 *   audit/checkpoints/N-K.sig seal them, N zero-padded to 20 digits, K
 *                             the kind (seal, purge)
 *   audit/audit-signer.pem    the audit key's certificate
 *   log/ocsp-access.log*      the OCSP responder's access logs (CP-5.5.1)
 *   repository/docs/          the CP, CPS and notices published
 *   certs/ca/                 every CA and responder certificate (6.3.1)
 *   certs/subscribers/        certificates issued in the period
 *   crls/ISSUER-NUMBER.crl    CRLs issued in the period
 *   ra/applications/          application documents and examination
 *   ra/examinations/          records: the RA (issue 6) fills these
 *
 * The records run from the first one in the period to the first
 * checkpoint at or after the last one, so the bundle's chain ends sealed.
 */

#define ARCHIVE_MAGIC		"inkan archive v1\n"
#define ARCHIVE_PATH_MAX	1024
#define ARCHIVE_FILES_MAX	(16 * 1024 * 1024)
#define ARCHIVE_RECORD_MAX	(16 * STORE_AUDIT_FIELD_MAX + \
				    STORE_AUDIT_DETAIL_MAX + 256)

/* A growing list of relative paths. */
struct archive_paths {
	char		**v;
	size_t		 n;
	size_t		 cap;
};

static int
archive_paths_add(struct archive_paths *p, const char *path)
{
	char **v;

	if (p->n >= ARCHIVE_FILES_MAX)
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;

		if ((v = reallocarray(p->v, cap, sizeof(*v))) == NULL)
			return 0;
		p->v = v;
		p->cap = cap;
	}
	if ((p->v[p->n] = strdup(path)) == NULL)
		return 0;
	p->n++;
	return 1;
}

static void
archive_paths_free(struct archive_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int
archive_path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qsort(3) of the paths; its base must not be NULL, even for none. */
static void
archive_paths_sort(struct archive_paths *p)
{
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), archive_path_cmp);
}

/*
 * Every regular file under root/rel, as paths relative to root. Anything
 * else (a link, a device) is refused: a bundle holds files only.
 */
static int
archive_walk(const char *root, const char *rel, struct archive_paths *out)
{
	char dir[ARCHIVE_PATH_MAX], sub[ARCHIVE_PATH_MAX], full[ARCHIVE_PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int ok = 1;

	snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	if ((d = opendir(dir)) == NULL) {
		log_error("%s: %s", dir, strerror(errno));
		return 0;
	}
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
		    *rel ? "/" : "", de->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(full, sizeof(full), "%s/%s", root, sub) >=
		    sizeof(full)) {
			log_error("%s/%s: path too long", dir, de->d_name);
			ok = 0;
		} else if (lstat(full, &sb) == -1) {
			log_error("%s: %s", full, strerror(errno));
			ok = 0;
		} else if (S_ISDIR(sb.st_mode))
			ok = archive_walk(root, sub, out);
		else if (S_ISREG(sb.st_mode))
			ok = archive_paths_add(out, sub);
		else {
			log_error("%s: not a regular file or directory", full);
			ok = 0;
		}
	}
	closedir(d);
	return ok;
}

/* SHA-256 and size of a file, read in pieces. */
static int
archive_hash_file(const char *path, unsigned char md[32], int64_t *size)
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx;
	FILE *fp;
	size_t n;
	int ok = 0;

	*size = 0;
	if ((fp = fopen(path, "rb")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return 0;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		if (EVP_DigestUpdate(ctx, buf, n) != 1)
			goto out;
		*size += (int64_t)n;
	}
	ok = !ferror(fp) && EVP_DigestFinal_ex(ctx, md, NULL) == 1;
 out:
	EVP_MD_CTX_free(ctx);
	fclose(fp);
	return ok;
}

/* --- export ---------------------------------------------------------------- */

struct archive_out {
	struct ca	*ca;
	const char	*root;		/* the bundle being built */
	int64_t		 from;
	int64_t		 to;
	int64_t		 first;		/* first record in the period */
	int64_t		 last_in;	/* last record in the period */
	int64_t		 end;		/* last record exported (sealed) */
	int		 stopped;
	int		 failed;
	BIO		*bin;
	BIO		*jsonl;
};

/* Writes data at root/rel, making its folders. */
static int
archive_put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[ARCHIVE_PATH_MAX], *slash;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path))
		return 0;
	slash = strrchr(path, '/');
	*slash = '\0';
	if (!file_mkdirs(path, 0755))
		return 0;
	*slash = '/';
	return file_write_atomic(path, data, len, 0644, 1);
}

static int
archive_put_bio(const char *root, const char *rel, BIO *b)
{
	BUF_MEM *mem;

	BIO_get_mem_ptr(b, &mem);
	return archive_put(root, rel, mem->data, mem->length);
}

/* Copies a file of any size into the bundle. */
static int
archive_copy(const char *root, const char *rel, const char *src)
{
	char path[ARCHIVE_PATH_MAX], *slash;
	unsigned char buf[65536];
	FILE *in = NULL, *out = NULL;
	size_t n;
	int ok = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >=
	    sizeof(path))
		return 0;
	slash = strrchr(path, '/');
	*slash = '\0';
	if (!file_mkdirs(path, 0755))
		return 0;
	*slash = '/';
	if ((in = fopen(src, "rb")) == NULL || (out = fopen(path, "wbx")) ==
	    NULL) {
		log_error("archive: cannot copy %s to %s: %s", src, path,
		    strerror(errno));
		goto out;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			goto out;
	ok = !ferror(in) && fflush(out) == 0 && fsync(fileno(out)) == 0;
 out:
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		ok = 0;
	if (!ok)
		log_error("archive: %s: copy failed", path);
	return ok;
}

/* Copies every file of dir whose name starts with prefix ("" for all). */
static int
archive_copy_dir(const char *root, const char *rel, const char *dir,
    const char *prefix)
{
	char src[ARCHIVE_PATH_MAX], dst[ARCHIVE_PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int ok = 1;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT;
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s", dir,
		    de->d_name) >= sizeof(src) || (size_t)snprintf(dst,
		    sizeof(dst), "%s/%s", rel, de->d_name) >= sizeof(dst))
			ok = 0;
		else if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode))
			ok = archive_copy(root, dst, src);
	}
	closedir(d);
	return ok;
}

static int
archive_range_cb(const struct store_audit *r, void *arg)
{
	struct archive_out *x = arg;

	if (r->time > x->to) {
		x->stopped = 1;
		return 0;
	}
	if (x->first == 0)
		x->first = r->seq;
	x->last_in = r->seq;
	return 1;
}

static int
archive_record_cb(const struct store_audit *r, void *arg)
{
	struct archive_out *x = arg;
	unsigned char *enc = NULL, len4[4];
	char *line = NULL;
	size_t len;
	int ok = 0;

	if (r->seq > x->end) {
		x->stopped = 1;
		return 0;
	}
	if (!audit_chain_encode(r, &enc, &len) || len > UINT32_MAX ||
	    (line = audit_json_line(r)) == NULL)
		goto out;
	len4[0] = (unsigned char)(len >> 24);
	len4[1] = (unsigned char)(len >> 16);
	len4[2] = (unsigned char)(len >> 8);
	len4[3] = (unsigned char)len;
	ok = BIO_write(x->bin, len4, 4) == 4 &&
	    BIO_write(x->bin, enc, (int)len) == (int)len &&
	    BIO_write(x->bin, r->hash, 32) == 32 &&
	    BIO_printf(x->jsonl, "%s\n", line) > 0;
 out:
	if (!ok)
		x->failed = 1;
	free(enc);
	free(line);
	return ok;
}

/* The end of the exported chain: the first checkpoint at or after it. */
static int
archive_end_cb(const struct store_audit_checkpoint *cp, void *arg)
{
	struct archive_out *x = arg;

	if (cp->seq >= x->last_in && x->end < x->last_in) {
		x->end = cp->seq;
		return 1;
	}
	return 1;
}

static int
archive_checkpoint_cb(const struct store_audit_checkpoint *cp, void *arg)
{
	struct archive_out *x = arg;
	char rel[64], *text;
	int ok;

	if (cp->seq < x->first - 1 || cp->seq > x->end)
		return 1;
	if ((text = audit_checkpoint_text(cp)) == NULL)
		return 0;
	snprintf(rel, sizeof(rel), "audit/checkpoints/%020lld-%.8s.txt",
	    (long long)cp->seq, cp->kind);
	ok = archive_put(x->root, rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "audit/checkpoints/%020lld-%.8s.sig",
	    (long long)cp->seq, cp->kind);
	ok = ok && archive_put(x->root, rel, cp->sig, cp->sig_len);
	free(text);
	return ok;
}

static int
archive_export_audit(struct archive_out *x)
{
	struct store *st = x->ca->store;
	int ok = 0;

	if ((!store_audit_each(st, 1, x->from, archive_range_cb, x) &&
	    !x->stopped) ||
	    !store_audit_checkpoint_each(st, archive_end_cb, x))
		return 0;
	if (x->first != 0 && x->end < x->last_in) {
		log_error("archive: record %lld is not sealed by a checkpoint",
		    (long long)x->last_in);
		return 0;
	}
	x->stopped = 0;
	if ((x->bin = BIO_new(BIO_s_mem())) == NULL ||
	    (x->jsonl = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	if (x->first != 0 && ((!store_audit_each(st, x->first, INT64_MIN,
	    archive_record_cb, x) && !x->stopped) || x->failed))
		goto out;
	if (!archive_put_bio(x->root, "audit/records.bin", x->bin) ||
	    !archive_put_bio(x->root, "audit/records.jsonl", x->jsonl))
		goto out;
	ok = x->first == 0 ||
	    store_audit_checkpoint_each(st, archive_checkpoint_cb, x);
 out:
	BIO_free(x->bin);
	BIO_free(x->jsonl);
	x->bin = x->jsonl = NULL;
	return ok;
}

static int
archive_is_ca_profile(const char *profile)
{
	return strcmp(profile, "root") == 0 || strcmp(profile, "ca") == 0 ||
	    strcmp(profile, "ocsp") == 0;
}

/* CA certificates all, subscriber ones issued in the period (6.3.1). */
static int
archive_cert_cb(const struct store_cert *c, void *arg)
{
	struct archive_out *x = arg;
	char rel[256];
	BIO *b;
	int ok, is_ca = archive_is_ca_profile(c->profile);

	if (c->der == NULL ||
	    (!is_ca && (c->issued_at < x->from || c->issued_at > x->to)))
		return 1;
	snprintf(rel, sizeof(rel), "certs/%s/%s-%s.pem",
	    is_ca ? "ca" : "subscribers", c->issuer, c->serial);
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return 0;
	/* The stored bytes exactly, not a re-encoding. */
	ok = PEM_write_bio(b, PEM_STRING_X509, "", c->der,
	    (long)c->der_len) > 0 && archive_put_bio(x->root, rel, b);
	BIO_free(b);
	return ok;
}

/* Walks the store's CRLs into the bundle (the callback cannot write). */
struct archive_crls {
	struct archive_out *x;
	int		 ok;
};

static int
archive_crl_cb(const struct store_crl *crl, void *arg)
{
	struct archive_crls *a = arg;
	char rel[160];

	snprintf(rel, sizeof(rel), "crls/%s-%lld.crl", crl->issuer,
	    (long long)crl->number);
	/* Files only, no store call: allowed inside the walk. */
	a->ok = archive_put(a->x->root, rel, crl->der, crl->der_len);
	return a->ok;
}

static int
archive_export_files(struct archive_out *x)
{
	static const char ra_note[] = "Application documents and examination "
	    "records (CP-5.5.1) of the period\nbelong here; the RA (issue 6) "
	    "will export them.\n";
	struct archive_crls crls = { x, 1 };
	char *log = NULL, *docs = NULL, *cert = NULL;
	int ok = 0;

	if ((log = file_join(x->ca->dir, "log")) == NULL ||
	    (docs = file_join(x->ca->dir, "repository/docs")) == NULL ||
	    (cert = file_join(x->ca->dir, "audit/audit-signer.pem")) == NULL)
		goto out;
	ok = archive_copy(x->root, "audit/audit-signer.pem", cert) &&
	    archive_copy_dir(x->root, "log", log, "ocsp-access.log") &&
	    archive_copy_dir(x->root, "repository/docs", docs, "") &&
	    store_cert_each_in_state(x->ca->store, STORE_CERT_ISSUED,
	    archive_cert_cb, x) &&
	    store_crl_each_between(x->ca->store, x->from, x->to,
	    archive_crl_cb, &crls) && crls.ok &&
	    archive_put(x->root, "ra/applications/README.txt", ra_note,
	    sizeof(ra_note) - 1) &&
	    archive_put(x->root, "ra/examinations/README.txt", ra_note,
	    sizeof(ra_note) - 1);
 out:
	free(log);
	free(docs);
	free(cert);
	return ok;
}

/* MANIFEST: the header, then every file but the manifest's own two. */
static BIO *
archive_manifest(const struct archive_out *x)
{
	struct archive_paths p = { NULL, 0, 0 };
	char from[32], to[32], path[ARCHIVE_PATH_MAX], hex[65];
	unsigned char md[32];
	int64_t size;
	BIO *b = NULL, *res = NULL;

	if (!archive_walk(x->root, "", &p) || (b = BIO_new(BIO_s_mem())) ==
	    NULL)
		goto out;
	archive_paths_sort(&p);
	audit_time_format(x->from, from);
	audit_time_format(x->to, to);
	if (BIO_printf(b, ARCHIVE_MAGIC "from: %s\nto: %s\nrecords: %lld-%lld"
	    "\n\n", from, to, (long long)x->first, (long long)(x->first ?
	    x->end : 0)) <= 0)
		goto out;
	for (size_t i = 0; i < p.n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", x->root,
		    p.v[i]) >= sizeof(path) ||
		    !archive_hash_file(path, md, &size))
			goto out;
		audit_hex(md, 32, hex);
		if (BIO_printf(b, "%s %lld %s\n", hex, (long long)size,
		    p.v[i]) <= 0)
			goto out;
	}
	res = b;
	b = NULL;
 out:
	BIO_free(b);
	archive_paths_free(&p);
	return res;
}

/*
 * The DER SET OF Attribute a SignerInfo's signature covers (RFC 5652
 * §5.4): the signed attributes with a universal SET tag, in DER order.
 */
typedef STACK_OF(X509_ATTRIBUTE) ARCHIVE_SIGNED_ATTRS;
DECLARE_ASN1_ITEM(ARCHIVE_SIGNED_ATTRS)
ASN1_ITEM_TEMPLATE(ARCHIVE_SIGNED_ATTRS) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_ORDER, 0, ARCHIVE_SIGNED_ATTRS,
	    X509_ATTRIBUTE)
ASN1_ITEM_TEMPLATE_END(ARCHIVE_SIGNED_ATTRS)

static int
archive_signed_attrs_der(CMS_SignerInfo *si, unsigned char **der, int *len)
{
	STACK_OF(X509_ATTRIBUTE) *sk;
	int n = CMS_signed_get_attr_count(si), ok = 0;

	if (n <= 0 || (sk = sk_X509_ATTRIBUTE_new_null()) == NULL)
		return 0;
	/* Borrowed: the stack is freed, not its elements. */
	for (int i = 0; i < n; i++)
		if (!sk_X509_ATTRIBUTE_push(sk, CMS_signed_get_attr(si, i)))
			goto out;
	*der = NULL;
	ok = (*len = ASN1_item_i2d((ASN1_VALUE *)sk, der,
	    ASN1_ITEM_rptr(ARCHIVE_SIGNED_ATTRS))) > 0;
 out:
	sk_X509_ATTRIBUTE_free(sk);
	return ok;
}

/*
 * SignedData over content, detached, with the audit certificate; the
 * signature over the signed attributes comes from the signer process,
 * which alone holds the audit key.
 */
static CMS_ContentInfo *
archive_cms_sign(struct ca *ca, X509 *cert, const unsigned char *content,
    size_t len)
{
	CMS_ContentInfo *cms = NULL, *res = NULL;
	CMS_SignerInfo *si;
	ASN1_TIME *now = NULL;
	unsigned char md[32], *attrs = NULL, *sig = NULL;
	size_t sig_len = 0;
	int attrs_len = 0;

	SHA256(content, len, md);
	if ((cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL |
	    CMS_DETACHED | CMS_BINARY)) == NULL ||
	    /* The public key stands in for the private one: nothing is
	     * signed here (CMS_PARTIAL). */
	    (si = CMS_add1_signer(cms, cert, X509_get0_pubkey(cert),
	    EVP_sha256(), CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP)) == NULL ||
	    (now = X509_gmtime_adj(NULL, 0)) == NULL ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType,
	    V_ASN1_OBJECT, OBJ_nid2obj(NID_pkcs7_data), -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime,
	    now->type, now, -1) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest,
	    V_ASN1_OCTET_STRING, md, sizeof(md)) ||
	    !archive_signed_attrs_der(si, &attrs, &attrs_len)) {
		log_openssl("archive: cannot build the manifest's SignedData");
		goto out;
	}
	if (!signer_sign(ca->signer, SIGNER_OP_SIGN_AUDIT, SIGNER_AUDIT_KEY,
	    SIGNER_MD_SHA256, attrs, (size_t)attrs_len, &sig, &sig_len))
		goto out;
	if (sig_len > INT32_MAX || !ASN1_STRING_set(
	    CMS_SignerInfo_get0_signature(si), sig, (int)sig_len)) {
		log_openssl("archive: cannot set the manifest's signature");
		goto out;
	}
	res = cms;
	cms = NULL;
 out:
	CMS_ContentInfo_free(cms);
	ASN1_TIME_free(now);
	OPENSSL_free(attrs);
	free(sig);
	return res;
}

static int
archive_sign_manifest(struct archive_out *x, BIO *manifest)
{
	CMS_ContentInfo *cms = NULL;
	unsigned char *der = NULL;
	BUF_MEM *mem;
	X509 *cert = NULL;
	int len, ok = 0;

	BIO_get_mem_ptr(manifest, &mem);
	if ((cert = audit_cert_load(x->ca->dir)) == NULL ||
	    (cms = archive_cms_sign(x->ca, cert, (unsigned char *)mem->data,
	    mem->length)) == NULL ||
	    (len = i2d_CMS_ContentInfo(cms, &der)) <= 0)
		goto out;
	ok = archive_put(x->root, "MANIFEST", mem->data, mem->length) &&
	    archive_put(x->root, "MANIFEST.cms", der, (size_t)len);
 out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	X509_free(cert);
	return ok;
}

int
archive_export(struct ca *ca, int64_t from, int64_t to, const char *out)
{
	struct archive_out x;
	char *tmp = NULL;
	BIO *manifest = NULL;
	int ok = 0;

	memset(&x, 0, sizeof(x));
	x.ca = ca;
	x.from = from;
	x.to = to;
	if (file_exists(out)) {
		log_error("archive: %s exists; give a new directory", out);
		return 0;
	}
	/* Seal first, so the period's last record is under a checkpoint. */
	if (!audit_key_init(ca) || !audit_seal(ca))
		return 0;
	if ((tmp = malloc(strlen(out) + sizeof(".partial"))) == NULL)
		return 0;
	sprintf(tmp, "%s.partial", out);
	if (file_exists(tmp) && !file_remove_tree(tmp))
		goto out;
	x.root = tmp;
	if (!file_mkdirs(tmp, 0755) || !archive_export_audit(&x) ||
	    !archive_export_files(&x) || (manifest = archive_manifest(&x)) ==
	    NULL || !archive_sign_manifest(&x, manifest))
		goto out;
	if (rename(tmp, out) == -1) {
		log_error("archive: cannot rename %s to %s: %s", tmp, out,
		    strerror(errno));
		goto out;
	}
	ok = 1;
 out:
	if (!ok && file_exists(tmp))
		file_remove_tree(tmp);
	BIO_free(manifest);
	free(tmp);
	return ok;
}

/* --- verify ----------------------------------------------------------------- */

static int
archive_fail(struct archive_verify_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
archive_fail(struct archive_verify_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return 0;
}

static unsigned char *
archive_read(const char *bundle, const char *rel, size_t max, size_t *len)
{
	char path[ARCHIVE_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", bundle, rel) >=
	    sizeof(path))
		return NULL;
	return file_read(path, max, len);
}

/* The CMS signature over MANIFEST, by trusted (a self-signed audit cert). */
static int
archive_verify_cms(const char *bundle, const unsigned char *manifest,
    size_t mlen, X509 *trusted, struct archive_verify_result *res)
{
	CMS_ContentInfo *cms = NULL;
	X509_STORE *xs = NULL;
	unsigned char *der = NULL, md[32];
	const unsigned char *p;
	unsigned int mdlen;
	BIO *content = NULL;
	size_t len;
	int ok = 0;

	if ((der = archive_read(bundle, "MANIFEST.cms", FILE_READ_MAX, &len)) ==
	    NULL)
		return archive_fail(res, "MANIFEST.cms: missing or unreadable");
	p = der;
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL ||
	    p != der + len) {
		archive_fail(res, "MANIFEST.cms: not one DER CMS object");
		goto out;
	}
	if ((xs = X509_STORE_new()) == NULL ||
	    !X509_STORE_add_cert(xs, trusted) ||
	    !X509_STORE_set_purpose(xs, X509_PURPOSE_ANY) ||
	    (content = BIO_new_mem_buf(manifest, (int)mlen)) == NULL)
		goto out;
	if (CMS_verify(cms, NULL, xs, content, NULL, CMS_BINARY) != 1) {
		log_openssl("archive: CMS verification");
		archive_fail(res, "MANIFEST: the CMS signature does not verify "
		    "with the audit certificate (MANIFEST or MANIFEST.cms "
		    "altered, or signed by another key)");
		goto out;
	}
	if (X509_digest(trusted, EVP_sha256(), md, &mdlen))
		audit_hex(md, 32, res->signer);
	ok = 1;
 out:
	ERR_clear_error();
	BIO_free(content);
	X509_STORE_free(xs);
	CMS_ContentInfo_free(cms);
	free(der);
	return ok;
}

/* Is rel one of the manifest's own files? */
static int
archive_is_manifest(const char *rel)
{
	return strcmp(rel, "MANIFEST") == 0 || strcmp(rel, "MANIFEST.cms") == 0;
}

/* One manifest line: "HEX SIZE PATH". */
static int
archive_check_line(const char *bundle, char *line,
    struct archive_paths *listed, struct archive_verify_result *res)
{
	char hex[65], got[65], path[ARCHIVE_PATH_MAX], *rel;
	unsigned char md[32];
	long long size;
	int64_t actual;
	int n = 0;

	if (sscanf(line, "%64s %lld %n", hex, &size, &n) != 2 || n == 0 ||
	    strlen(hex) != 64 || size < 0)
		return archive_fail(res, "MANIFEST: malformed line '%.80s'",
		    line);
	rel = line + n;
	if (*rel == '\0' || *rel == '/' || strstr(rel, "..") != NULL ||
	    archive_is_manifest(rel))
		return archive_fail(res, "MANIFEST: bad path '%.80s'", rel);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", bundle, rel) >=
	    sizeof(path) || !file_exists(path))
		return archive_fail(res, "%s: missing (listed in the manifest, "
		    "removed from the bundle)", rel);
	if (!archive_hash_file(path, md, &actual))
		return archive_fail(res, "%s: unreadable", rel);
	audit_hex(md, 32, got);
	if (actual != size || strcmp(got, hex) != 0)
		return archive_fail(res, "%s: altered (size or SHA-256 differs "
		    "from the manifest)", rel);
	return archive_paths_add(listed, rel);
}

/* Every listed file intact, and no file that is not listed. */
static int
archive_check_files(const char *bundle, char *manifest,
    struct archive_verify_result *res)
{
	struct archive_paths listed = { NULL, 0, 0 }, found = { NULL, 0, 0 };
	char *line, *next, *body;
	int ok = 0;

	if (strncmp(manifest, ARCHIVE_MAGIC, strlen(ARCHIVE_MAGIC)) != 0 ||
	    (body = strstr(manifest, "\n\n")) == NULL)
		return archive_fail(res, "MANIFEST: not an inkan archive v1 "
		    "manifest");
	for (line = body + 2; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			return archive_fail(res, "MANIFEST: last line "
			    "unterminated");
		*next++ = '\0';
		if (!archive_check_line(bundle, line, &listed, res))
			goto out;
	}
	if (!archive_walk(bundle, "", &found)) {
		archive_fail(res, "%s: cannot list the bundle", bundle);
		goto out;
	}
	archive_paths_sort(&listed);
	for (size_t i = 0; i < found.n; i++) {
		if (archive_is_manifest(found.v[i]) || (listed.n > 0 &&
		    bsearch(&found.v[i], listed.v, listed.n, sizeof(*listed.v),
		    archive_path_cmp) != NULL))
			continue;
		archive_fail(res, "%s: not in the manifest (added to the "
		    "bundle)", found.v[i]);
		goto out;
	}
	res->files = listed.n;
	ok = 1;
 out:
	archive_paths_free(&listed);
	archive_paths_free(&found);
	return ok;
}

/*
 * The bundle's checkpoints, checked and kept for the chain (seq and head
 * only), in seq order: the file names are zero-padded.
 */
struct archive_cps {
	struct store_audit_checkpoint *v;
	size_t		 n;
	size_t		 cap;
};

static int
archive_cps_grow(struct archive_cps *cps)
{
	struct store_audit_checkpoint *v;
	size_t cap;

	if (cps->n < cps->cap)
		return 1;
	cap = cps->cap ? cps->cap * 2 : 64;
	if ((v = reallocarray(cps->v, cap, sizeof(*v))) == NULL)
		return 0;
	cps->v = v;
	cps->cap = cap;
	return 1;
}

static int
archive_load_checkpoints(const char *bundle, EVP_PKEY *pub,
    struct archive_cps *cps, struct archive_verify_result *res)
{
	struct archive_paths p = { NULL, 0, 0 };
	char rel[ARCHIVE_PATH_MAX], kind[16], *text = NULL;
	unsigned char *sig = NULL;
	size_t tlen, slen, k;
	int ok = 0;

	if (!archive_walk(bundle, "", &p))
		return archive_fail(res, "%s: cannot list", bundle);
	archive_paths_sort(&p);
	for (size_t i = 0; i < p.n; i++) {
		k = strlen(p.v[i]);
		if (strncmp(p.v[i], "audit/checkpoints/", 18) != 0 || k < 4 ||
		    strcmp(p.v[i] + k - 4, ".txt") != 0)
			continue;
		if ((size_t)snprintf(rel, sizeof(rel), "%.*s.sig", (int)(k - 4),
		    p.v[i]) >= sizeof(rel))
			continue;
		free(text);
		free(sig);
		sig = NULL;
		if ((text = (char *)archive_read(bundle, p.v[i], 4096,
		    &tlen)) == NULL || (sig = archive_read(bundle, rel, 4096,
		    &slen)) == NULL || !archive_cps_grow(cps) ||
		    !audit_checkpoint_parse(text, tlen,
		    &cps->v[cps->n], kind)) {
			archive_fail(res, "%s: not a checkpoint with its "
			    "signature", p.v[i]);
			goto out;
		}
		cps->v[cps->n].sig = sig;
		cps->v[cps->n].sig_len = slen;
		if (!audit_checkpoint_verify_sig(&cps->v[cps->n], pub)) {
			archive_fail(res, "%s: signature does not verify with "
			    "the audit key", p.v[i]);
			goto out;
		}
		/* Only seq and head are used from here on. */
		cps->v[cps->n].kind = NULL;
		cps->v[cps->n].sig = NULL;
		cps->n++;
	}
	ok = 1;
 out:
	free(text);
	free(sig);
	archive_paths_free(&p);
	return ok;
}

static int
archive_cp_cmp(const void *a, const void *b)
{
	const struct store_audit_checkpoint *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct store_audit_checkpoint *
archive_cp_at(const struct archive_cps *cps, int64_t seq)
{
	size_t lo = 0, hi = cps->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cps->v[mid].seq == seq)
			return &cps->v[mid];
		if (cps->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* records.bin: each record's hash, the links, the checkpoints' heads. */
static int
archive_check_records(const char *bundle, X509 *trusted,
    struct archive_verify_result *res)
{
	struct archive_cps *cps;
	const struct store_audit_checkpoint *cp;
	unsigned char *buf = NULL, prev[32], h[32], link[32];
	size_t len = 0, off = 0, rlen;
	int64_t seq, expect = 0;
	int ok = 0, sealed = 1;

	if ((cps = calloc(1, sizeof(*cps))) == NULL)
		return archive_fail(res, "out of memory");
	if (!archive_load_checkpoints(bundle, X509_get0_pubkey(trusted), cps,
	    res))
		goto out;
	if (cps->n > 1)
		qsort(cps->v, cps->n, sizeof(*cps->v), archive_cp_cmp);
	res->checkpoints = cps->n;
	if ((buf = archive_read(bundle, "audit/records.bin", SIZE_MAX / 2,
	    &len)) == NULL) {
		archive_fail(res, "audit/records.bin: unreadable");
		goto out;
	}
	while (off < len) {
		if (len - off < 4 || (rlen = (size_t)buf[off] << 24 |
		    (size_t)buf[off + 1] << 16 | (size_t)buf[off + 2] << 8 |
		    buf[off + 3]) > len - off - 4 || len - off - 4 - rlen < 32 ||
		    !audit_chain_parse(buf + off + 4, rlen, &seq, link)) {
			archive_fail(res, "audit/records.bin: malformed after "
			    "record %lld", (long long)expect - 1);
			goto out;
		}
		SHA256(buf + off + 4, rlen, h);
		if (expect == 0) {
			res->first = seq;
			cp = archive_cp_at(cps, seq - 1);
			if (seq != 1 && (cp == NULL ||
			    memcmp(cp->head_hash, link, 32) != 0)) {
				archive_fail(res, "audit record %lld: its "
				    "predecessor is sealed by no checkpoint of "
				    "the bundle", (long long)seq);
				goto out;
			}
		} else if (seq != expect || memcmp(link, prev, 32) != 0) {
			archive_fail(res, "audit record %lld: does not follow "
			    "record %lld", (long long)seq, (long long)expect - 1);
			goto out;
		}
		if (memcmp(h, buf + off + 4 + rlen, 32) != 0 ||
		    ((cp = archive_cp_at(cps, seq)) != NULL &&
		    memcmp(cp->head_hash, h, 32) != 0)) {
			archive_fail(res, "audit record %lld: content does not "
			    "match its hash or checkpoint", (long long)seq);
			goto out;
		}
		sealed = cp != NULL;
		memcpy(prev, h, 32);
		res->last = seq;
		expect = seq + 1;
		off += 4 + rlen + 32;
	}
	if (!sealed) {
		archive_fail(res, "audit record %lld: the last record is sealed "
		    "by no checkpoint of the bundle", (long long)res->last);
		goto out;
	}
	ok = 1;
 out:
	free(buf);
	free(cps->v);
	free(cps);
	return ok;
}

int
archive_verify(const char *bundle, X509 *trusted,
    struct archive_verify_result *res)
{
	char *manifest = NULL, path[ARCHIVE_PATH_MAX];
	X509 *own = NULL;
	size_t mlen;
	FILE *fp;
	int ok = 0;

	memset(res, 0, sizeof(*res));
	if (trusted == NULL) {
		if ((size_t)snprintf(path, sizeof(path),
		    "%s/audit/audit-signer.pem", bundle) >= sizeof(path) ||
		    (fp = fopen(path, "r")) == NULL)
			return archive_fail(res, "audit/audit-signer.pem: "
			    "missing");
		own = PEM_read_X509(fp, NULL, NULL, NULL);
		fclose(fp);
		if ((trusted = own) == NULL)
			return archive_fail(res, "audit/audit-signer.pem: not "
			    "a certificate");
	}
	if ((manifest = (char *)archive_read(bundle, "MANIFEST",
	    64 * 1024 * 1024, &mlen)) == NULL) {
		archive_fail(res, "MANIFEST: missing or unreadable");
		goto out;
	}
	ok = archive_verify_cms(bundle, (unsigned char *)manifest, mlen,
	    trusted, res) && archive_check_files(bundle, manifest, res) &&
	    archive_check_records(bundle, trusted, res);
 out:
	free(manifest);
	X509_free(own);
	return ok;
}

/* --- purge ------------------------------------------------------------------ */

int64_t
archive_retention_cutoff(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return now - (int64_t)ARCHIVE_RETENTION_YEARS * 366 * 86400;
	tm.tm_year -= ARCHIVE_RETENTION_YEARS;
	return (int64_t)timegm(&tm);
}

struct archive_upto {
	int64_t		 before;
	int64_t		 upto;
	unsigned char	 head[32];
	int		 stopped;
};

static int
archive_upto_cb(const struct store_audit *r, void *arg)
{
	struct archive_upto *u = arg;

	if (r->time >= u->before) {
		u->stopped = 1;
		return 0;
	}
	u->upto = r->seq;
	memcpy(u->head, r->hash, 32);
	return 1;
}

int
archive_purge_upto(struct store *st, int64_t before, int64_t *upto,
    unsigned char head[32])
{
	struct archive_upto u;

	memset(&u, 0, sizeof(u));
	u.before = before;
	if (!store_audit_each(st, 1, INT64_MIN, archive_upto_cb, &u) &&
	    !u.stopped)
		return 0;
	*upto = u.upto;
	memcpy(head, u.head, 32);
	return 1;
}

int
archive_purge(struct ca *ca, int64_t before, int64_t now, int64_t *purged)
{
	unsigned char head[32], prev[32];
	int64_t upto, first;
	char cut[32];

	*purged = 0;
	if (before > archive_retention_cutoff(now)) {
		audit_time_format(archive_retention_cutoff(now), cut);
		log_error("archive purge: refused: records younger than %d "
		    "years are kept (CP-5.5.2); --before may be %s at the "
		    "latest", ARCHIVE_RETENTION_YEARS, cut);
		return 0;
	}
	if (!store_audit_first(ca->store, &first, prev) ||
	    !archive_purge_upto(ca->store, before, &upto, head))
		return 0;
	if (upto == 0)
		return 1;
	/* The signed mark of where the kept chain starts, then the delete. */
	if (!audit_key_init(ca) ||
	    !audit_checkpoint_make(ca, "purge", upto, head) ||
	    !store_audit_purge(ca->store, upto))
		return 0;
	*purged = upto - first + 1;
	return 1;
}
