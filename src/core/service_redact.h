/* Redaction at the model boundary: every string of a finished service record that a server could
 * have influenced (names, notes, evidence, errors, settings, display name, …) is passed through
 * ls_redact_text before the record reaches a writer or the history, so a credential in a table
 * name, a DDL argument, a dictionary source or an error message is never written raw, whatever
 * step copied it there. Called once per service by the pipeline; a no-op with --show-secrets. */
#ifndef LS_CORE_SERVICE_REDACT_H
#define LS_CORE_SERVICE_REDACT_H

#include "detect/detect.h"
#include "model/model.h"

/* d may be NULL (credential shapes only). Returns 0, or -1 if a scratch could not be made (the
 * strings were still passed through the shape-only redaction). */
int ls_service_redact(struct ls_service *svc, const struct ls_detector *d);

#endif
