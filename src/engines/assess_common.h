/* What every engine's assessment shares: the classes found in sampled data, raising a
 * service's severity, and the data-exposure risks <PREFIX>-SECRETS-EXPOSED, -CHAT-EXPOSED and
 * -PII-EXPOSED with one title, evidence and severity for all engines (README "Severity and
 * remediation model"). Engine-specific risks and remediation stay in each engine's assess. */
#ifndef LS_ENGINES_ASSESS_COMMON_H
#define LS_ENGINES_ASSESS_COMMON_H

#include "model/model.h"

/* The classes (LS_CLASS_*) of the tables that had rows sampled (scanned_rows > 0). */
unsigned ls_sampled_classes(const struct ls_service *svc);

/* Raises svc->severity to sev; never lowers it. */
void ls_raise_severity(struct ls_service *svc, enum ls_severity sev);

/* Adds <prefix>-SECRETS-EXPOSED (critical), <prefix>-CHAT-EXPOSED (critical) and
 * <prefix>-PII-EXPOSED (high), in that order, for each of LS_CLASS_SECRETS, LS_CLASS_CHAT and
 * LS_CLASS_PII set in `found`. `store` says where the data sits ("tables", "keys"), `item` what
 * was sampled ("rows", "values"). Leaves svc->severity alone; returns the highest severity added
 * (LS_SEV_INFO when none), for callers that raise the service's severity with it. */
enum ls_severity ls_assess_data_risks(struct ls_service *svc, const char *prefix, const char *store, const char *item,
                                      unsigned found);

#endif
