/* --default-credentials: what every engine shares. Each engine keeps its own short list of
 * documented default logins beside its code (at most LS_DEFAULT_LOGINS_MAX, with a comment naming
 * where each default comes from) and tries them only when the service demanded a password; these
 * helpers word the outcome the same way for all engines. The password never leaves the engine:
 * evidence names the user only. */
#ifndef LS_ENGINES_DEFAULT_CREDS_H
#define LS_ENGINES_DEFAULT_CREDS_H

#include <stddef.h>

#include "model/model.h"

#define LS_DEFAULT_LOGINS_MAX 3 /* attempts per service, at most */

struct ls_default_login {
    const char *user;
    const char *password;
};

/* Checked at compile time beside each list. */
#define LS_DEFAULT_LOGINS_CHECK(list)                                                                                  \
    _Static_assert(sizeof(list) / sizeof((list)[0]) <= LS_DEFAULT_LOGINS_MAX, "at most 3 default logins per engine")

/* A default login worked: auth becomes default-credentials, the evidence names `user` only. */
void ls_default_creds_accepted(struct ls_service *svc, const char *user);
/* `tried` default logins were all refused: appended to the `required` evidence. */
void ls_default_creds_refused(struct ls_service *svc, size_t tried);

/* The risk of a service that let us in with a default login: `<prefix>-DEFAULT-CREDENTIALS` at
 * `sev`, with the auth evidence (user name only), and the remediation to change that password. */
void ls_default_creds_risk(struct ls_service *svc, const char *prefix, const char *display, enum ls_severity sev);

#endif
