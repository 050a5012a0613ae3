/*
** sdtm.c: the SDTM IG 3.4 domains of a study (see sdtm.h and docs/sdtm.md).
**
** Why: a submission needs the collected data in SDTM; building it from the
** same casebooks (frame.h) as the frame and ADaM keeps every number the
** same.  Values the rules engine derived (mRECIST responses per scan, best
** overall response) are copied from the casebook's "derived" object, never
** derived again.  Invariants: each domain's column table follows the IG's
** variable order and labels (SDTMIG v3.4 metadata, cited in docs/sdtm.md);
** --DTC values are ISO 8601 dates written only when the collected text is
** a valid date; --DY counts from RFSTDTC (the treatment start) with no day
** 0; --SEQ is numbered within USUBJID after a stable sort, so SUPPxx
** records point at their parent through --SPID, --GRPID or TULNKID, never
** through --SEQ.  Workload: one pass over the casebooks, one casebook in
** memory at a time (a few thousand patients, about a million cells).
*/
#include "sdtm.h"

#include "../core/date.h"
#include "../core/jsonx.h"
#include "../core/mem.h"
#include "../store/store.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Column table entries: a string column (width in bytes) and a number. */
#define SD_C(n, l, w, src, cl, core)                                           \
  { n, l, DS_STR, w, 0, src, cl, core }
#define SD_N(n, l, dec, src, core)                                             \
  { n, l, DS_NUM, 8, dec, src, NULL, core }

/* Widths shared by every domain: USUBJID is STUDYID "-" [SITEID "-"]
** SUBJID as frame.c makes it (31 + 1 + 15 + 1 + 31). */
#define SD_W_STUDYID 31
#define SD_W_USUBJID 79
#define SD_W_DTC 19

/* The identifier columns every domain starts with. */
#define SD_IDS(dom)                                                            \
  SD_C("STUDYID", "Study Identifier", SD_W_STUDYID, "protocol study_id", NULL, \
       "Req"),                                                                 \
      SD_C("DOMAIN", "Domain Abbreviation", 2, "\"" dom "\"", NULL, "Req"),    \
      SD_C("USUBJID", "Unique Subject Identifier", SD_W_USUBJID,               \
           "STUDYID-patient.code (as frame.c)", NULL, "Req")

/* Number of entries of a static array. */
#define SD_N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct ds_col dm_cols[] = {
    SD_IDS("DM"),
    SD_C("SUBJID", "Subject Identifier for the Study", 31, "patient.code", NULL,
         "Req"),
    SD_C("RFSTDTC", "Subject Reference Start Date/Time", SD_W_DTC,
         "enrolment.treatment_start", NULL, "Exp"),
    SD_C("RFENDTC", "Subject Reference End Date/Time", SD_W_DTC,
         "end_of_study.date, else death.date", NULL, "Exp"),
    SD_C("RFXSTDTC", "Date/Time of First Study Treatment", SD_W_DTC,
         "first EXSTDTC", NULL, "Exp"),
    SD_C("RFXENDTC", "Date/Time of Last Study Treatment", SD_W_DTC,
         "last EXENDTC (EXSTDTC when open)", NULL, "Exp"),
    SD_C("RFICDTC", "Date/Time of Informed Consent", SD_W_DTC,
         "enrolment.consent_date", NULL, "Exp"),
    SD_C("RFPENDTC", "Date/Time of End of Participation", SD_W_DTC,
         "end_of_study.date, else the last date recorded", NULL, "Exp"),
    SD_C("DTHDTC", "Date/Time of Death", SD_W_DTC, "death.date", NULL, "Exp"),
    SD_C("DTHFL", "Subject Death Flag", 1, "death record present", "NY", "Exp"),
    SD_C("SITEID", "Study Site Identifier", 15, "patient.site", NULL, "Req"),
    SD_N("AGE", "Age", 0, "baseline.age, else screening.age", "Exp"),
    SD_C("AGEU", "Age Units", 6, "\"YEARS\"", "AGEU", "Exp"),
    SD_C("SEX", "Sex", 1, "baseline.sex", "SEX", "Req"),
    SD_C("RACE", "Race", 40, "not collected", "RACE", "Exp"),
    SD_C("ARMCD", "Planned Arm Code", 8, "enrolment.cohort", "ARMCD", "Exp"),
    SD_C("ARM", "Description of Planned Arm", 96, "protocol cohort label", NULL,
         "Exp"),
    SD_C("ACTARMCD", "Actual Arm Code", 8, "ARMCD when any EX record", "ARMCD",
         "Exp"),
    SD_C("ACTARM", "Description of Actual Arm", 96, "ARM when any EX record",
         NULL, "Exp"),
    SD_C("ARMNRS", "Reason Arm and/or Actual Arm is Null", 40, "patient.status",
         "ARMNULRS", "Exp"),
    SD_C("ACTARMUD", "Description of Unplanned Actual Arm", 96,
         "not applicable", NULL, "Exp"),
    SD_C("COUNTRY", "Country", 3, "\"CHN\" (every site)", "COUNTRY", "Req"),
    SD_C("DMDTC", "Date/Time of Collection", SD_W_DTC,
         "screening.screening_date", NULL, "Perm"),
    SD_N("DMDY", "Study Day of Collection", 0, "DMDTC - RFSTDTC", "Perm"),
};

static const struct ds_col sv_cols[] = {
    SD_IDS("SV"),
    SD_N("VISITNUM", "Visit Number", -1, "visit table (docs/sdtm.md)", "Req"),
    SD_C("VISIT", "Visit Name", 40, "visit table", NULL, "Perm"),
    SD_C("SVPRESP", "Pre-specified", 1, "\"Y\" for scheduled visits", "NY",
         "Exp"),
    SD_C("SVOCCUR", "Occurrence", 1, "derived.schedule status", "NY", "Exp"),
    SD_N("VISITDY", "Planned Study Day of Visit", 0,
         "derived.schedule target_date", "Perm"),
    SD_C("SVSTDTC", "Start Date/Time of Observation", SD_W_DTC, "record date",
         NULL, "Exp"),
    SD_C("SVENDTC", "End Date/Time of Observation", SD_W_DTC, "record date",
         NULL, "Exp"),
    SD_N("SVSTDY", "Study Day of Start of Observation", 0, "SVSTDTC - RFSTDTC",
         "Perm"),
    SD_N("SVENDY", "Study Day of End of Observation", 0, "SVENDTC - RFSTDTC",
         "Perm"),
    SD_C("SVUPDES", "Description of Unplanned Visit", 100,
         "unscheduled tumour assessment", NULL, "Perm"),
};

static const struct ds_col ex_cols[] = {
    SD_IDS("EX"),
    SD_N("EXSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("EXSPID", "Sponsor-Defined Identifier", 20, "record id", NULL, "Perm"),
    SD_C("EXTRT", "Name of Treatment", 100,
         "pd1_dose.agent, lenvatinib, tace, haic drug", NULL, "Req"),
    SD_C("EXCAT", "Category of Treatment", 40, "record kind", NULL, "Perm"),
    SD_N("EXDOSE", "Dose", -1, "dose_mg, HAIC drug dose", "Exp"),
    SD_C("EXDOSU", "Dose Units", 10, "mg, mg/m2", "UNIT", "Exp"),
    SD_C("EXDOSFRM", "Dose Form", 40, "by treatment", "FRM", "Exp"),
    SD_C("EXDOSFRQ", "Dosing Frequency per Interval", 10,
         "lenvatinib.schedule; ONCE", "FREQ", "Perm"),
    SD_C("EXROUTE", "Route of Administration", 40, "by treatment", "ROUTE",
         "Perm"),
    SD_C("EXSTDTC", "Start Date/Time of Treatment", SD_W_DTC, "record date",
         NULL, "Exp"),
    SD_C("EXENDTC", "End Date/Time of Treatment", SD_W_DTC,
         "record date; lenvatinib: day before the next event", NULL, "Exp"),
    SD_N("EXSTDY", "Study Day of Start of Treatment", 0, "EXSTDTC - RFSTDTC",
         "Perm"),
    SD_N("EXENDY", "Study Day of End of Treatment", 0, "EXENDTC - RFSTDTC",
         "Perm"),
};

static const struct ds_col ae_cols[] = {
    SD_IDS("AE"),
    SD_N("AESEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("AESPID", "Sponsor-Defined Identifier", 20, "record id", NULL, "Perm"),
    SD_C("AETERM", "Reported Term for the Adverse Event", 200,
         "adverse_event.term", NULL, "Req"),
    SD_C("AELLT", "Lowest Level Term", 200, "not coded", NULL, "Exp"),
    SD_N("AELLTCD", "Lowest Level Term Code", 0, "adverse_event.meddra_code",
         "Exp"),
    SD_C("AEDECOD", "Dictionary-Derived Term", 200,
         "adverse_event.term (CTCAE v5.0 term, not MedDRA-coded)", NULL, "Req"),
    SD_N("AEPTCD", "Preferred Term Code", 0, "not coded", "Exp"),
    SD_C("AEHLT", "High Level Term", 200, "not coded", NULL, "Exp"),
    SD_N("AEHLTCD", "High Level Term Code", 0, "not coded", "Exp"),
    SD_C("AEHLGT", "High Level Group Term", 200, "not coded", NULL, "Exp"),
    SD_N("AEHLGTCD", "High Level Group Term Code", 0, "not coded", "Exp"),
    SD_C("AEBODSYS", "Body System or Organ Class", 200, "not coded", NULL,
         "Exp"),
    SD_N("AEBDSYCD", "Body System or Organ Class Code", 0, "not coded", "Exp"),
    SD_C("AESOC", "Primary System Organ Class", 200, "not coded", NULL, "Exp"),
    SD_N("AESOCCD", "Primary System Organ Class Code", 0, "not coded", "Exp"),
    SD_C("AESER", "Serious Event", 1, "adverse_event.serious", "NY", "Exp"),
    SD_C("AEACN", "Action Taken with Study Treatment", 40,
         "adverse_event.action", "ACN", "Exp"),
    SD_C("AEREL", "Causality", 20, "strongest of adverse_event.attribution_*",
         NULL, "Exp"),
    SD_C("AEOUT", "Outcome of Adverse Event", 40, "adverse_event.outcome",
         "OUT", "Perm"),
    SD_C("AESDISAB", "Persist or Signif Disability/Incapacity", 1,
         "adverse_event.sae_disability", "NY", "Perm"),
    SD_C("AESDTH", "Results in Death", 1, "adverse_event.sae_death", "NY",
         "Perm"),
    SD_C("AESHOSP", "Requires or Prolongs Hospitalization", 1,
         "adverse_event.sae_hospitalisation", "NY", "Perm"),
    SD_C("AESLIFE", "Is Life Threatening", 1,
         "adverse_event.sae_life_threatening", "NY", "Perm"),
    SD_C("AESMIE", "Other Medically Important Serious Event", 1,
         "adverse_event.sae_medically_important", "NY", "Perm"),
    SD_C("AETOXGR", "Standard Toxicity Grade", 1, "adverse_event.grade",
         "TOXGR", "Perm"),
    SD_C("AESTDTC", "Start Date/Time of Adverse Event", SD_W_DTC,
         "adverse_event.onset_date", NULL, "Exp"),
    SD_C("AEENDTC", "End Date/Time of Adverse Event", SD_W_DTC,
         "adverse_event.resolution_date", NULL, "Exp"),
    SD_N("AESTDY", "Study Day of Start of Adverse Event", 0,
         "AESTDTC - RFSTDTC", "Perm"),
    SD_N("AEENDY", "Study Day of End of Adverse Event", 0, "AEENDTC - RFSTDTC",
         "Perm"),
};

static const struct ds_col lb_cols[] = {
    SD_IDS("LB"),
    SD_N("LBSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("LBTESTCD", "Lab Test or Examination Short Name", 8,
         "test table (docs/sdtm.md)", "LBTESTCD", "Req"),
    SD_C("LBTEST", "Lab Test or Examination Name", 40, "test table", "LBTEST",
         "Req"),
    SD_C("LBCAT", "Category for Lab Test", 40, "test table", NULL, "Exp"),
    SD_C("LBORRES", "Result or Finding in Original Units", 40,
         "value as recorded", NULL, "Exp"),
    SD_C("LBORRESU", "Original Units", 20, "unit as recorded", "UNIT", "Exp"),
    SD_C("LBORNRLO", "Reference Range Lower Limit in Orig Unit", 20,
         "not collected", NULL, "Exp"),
    SD_C("LBORNRHI", "Reference Range Upper Limit in Orig Unit", 20,
         "not collected", NULL, "Exp"),
    SD_C("LBSTRESC", "Character Result/Finding in Std Format", 40,
         "LBSTRESN as text", NULL, "Exp"),
    SD_N("LBSTRESN", "Numeric Result/Finding in Standard Units", -1,
         "value converted to the standard unit", "Exp"),
    SD_C("LBSTRESU", "Standard Units", 20, "test table", "UNIT", "Exp"),
    SD_N("LBSTNRLO", "Reference Range Lower Limit-Std Units", -1,
         "not collected", "Exp"),
    SD_N("LBSTNRHI", "Reference Range Upper Limit-Std Units", -1,
         "not collected", "Exp"),
    SD_C("LBNRIND", "Reference Range Indicator", 10, "not collected", "NRIND",
         "Exp"),
    SD_C("LBLOBXFL", "Last Observation Before Exposure Flag", 1,
         "baseline record (screening when none)", "NY", "Exp"),
    SD_N("VISITNUM", "Visit Number", -1, "visit table", "Exp"),
    SD_C("VISIT", "Visit Name", 40, "visit table", NULL, "Perm"),
    SD_C("LBDTC", "Date/Time of Specimen Collection", SD_W_DTC,
         "screening.screening_date, lab.date (baseline: none)", NULL, "Exp"),
    SD_N("LBDY", "Study Day of Specimen Collection", 0, "LBDTC - RFSTDTC",
         "Perm"),
};

static const struct ds_col ds_cols[] = {
    SD_IDS("DS"),
    SD_N("DSSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("DSTERM", "Reported Term for the Disposition Event", 200,
         "as recorded", NULL, "Req"),
    SD_C("DSDECOD", "Standardized Disposition Term", 60,
         "consent, enrolment, end_of_study.reason, death", "NCOMPLT", "Req"),
    SD_C("DSCAT", "Category for Disposition Event", 40,
         "PROTOCOL MILESTONE or DISPOSITION EVENT", "DSCAT", "Exp"),
    SD_C("DSSTDTC", "Start Date/Time of Disposition Event", SD_W_DTC,
         "record date", NULL, "Exp"),
    SD_N("DSSTDY", "Study Day of Start of Disposition Event", 0,
         "DSSTDTC - RFSTDTC", "Exp"),
};

static const struct ds_col tu_cols[] = {
    SD_IDS("TU"),
    SD_N("TUSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("TULNKID", "Link ID", 32, "lesion id", NULL, "Exp"),
    SD_C("TUTESTCD", "Tumor/Lesion ID Short Name", 8, "\"TUMIDENT\"",
         "TUTESTCD", "Req"),
    SD_C("TUTEST", "Tumor/Lesion ID Test Name", 40, "\"Tumor Identification\"",
         "TUTEST", "Req"),
    SD_C("TUORRES", "Tumor/Lesion ID Result", 20, "TARGET, NON-TARGET, NEW",
         "TUIDRS", "Exp"),
    SD_C("TUSTRESC", "Tumor/Lesion ID Result Std. Format", 20, "TUORRES",
         "TUIDRS", "Exp"),
    SD_C("TULOC", "Location of the Tumor/Lesion", 40,
         "target organ, non-target kind, new-lesion site", "LOC", "Exp"),
    SD_C("TUMETHOD", "Method of Identification", 20, "scan modality", "METHOD",
         "Exp"),
    SD_C("TULOBXFL", "Last Observation Before Exposure Flag", 1,
         "\"Y\" for baseline lesions", "NY", "Exp"),
    SD_C("TUEVAL", "Evaluator", 20, "\"INVESTIGATOR\"", "EVAL", "Exp"),
    SD_N("VISITNUM", "Visit Number", -1, "visit table", "Exp"),
    SD_C("VISIT", "Visit Name", 40, "visit table", NULL, "Perm"),
    SD_C("TUDTC", "Date/Time of Tumor/Lesion Identification", SD_W_DTC,
         "scan date", NULL, "Exp"),
    SD_N("TUDY", "Study Day of Tumor/Lesion Identification", 0,
         "TUDTC - RFSTDTC", "Perm"),
};

static const struct ds_col tr_cols[] = {
    SD_IDS("TR"),
    SD_N("TRSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("TRGRPID", "Group ID", 10, "TARGET, NON-TARGET, NEW", NULL, "Perm"),
    SD_C("TRLNKID", "Link ID", 32, "lesion id (TU.TULNKID)", NULL, "Exp"),
    SD_C("TRTESTCD", "Tumor/Lesion Assessment Short Name", 8,
         "LDIAM, SUMDIAM, TUMSTATE", "TRTESTCD", "Req"),
    SD_C("TRTEST", "Tumor/Lesion Assessment Test Name", 40, "TRTESTCD",
         "TRTEST", "Req"),
    SD_C("TRORRES", "Result or Finding in Original Units", 40,
         "viable_mm, sum_mm, non-target status", NULL, "Exp"),
    SD_C("TRORRESU", "Original Units", 10, "\"mm\" for diameters", "UNIT",
         "Exp"),
    SD_C("TRSTRESC", "Character Result/Finding in Std Format", 40, "TRORRES",
         NULL, "Exp"),
    SD_N("TRSTRESN", "Numeric Result/Finding in Standard Units", -1,
         "diameters (mm)", "Exp"),
    SD_C("TRSTRESU", "Standard Units", 10, "\"mm\" for diameters", "UNIT",
         "Exp"),
    SD_C("TRSTAT", "Completion Status", 8, "viable_mm null: NOT DONE", "ND",
         "Perm"),
    SD_C("TRREASND", "Reason Not Done", 40,
         "null viable_mm, non-target not_evaluated: NOT EVALUABLE", NULL,
         "Perm"),
    SD_C("TRMETHOD", "Method Used to Identify the Tumor/Lesion", 20,
         "scan modality", "METHOD", "Exp"),
    SD_C("TRLOBXFL", "Last Observation Before Exposure Flag", 1,
         "\"Y\" at the baseline scan", "NY", "Exp"),
    SD_C("TREVAL", "Evaluator", 20, "\"INVESTIGATOR\"", "EVAL", "Exp"),
    SD_N("VISITNUM", "Visit Number", -1, "visit table", "Exp"),
    SD_C("VISIT", "Visit Name", 40, "visit table", NULL, "Perm"),
    SD_C("TRDTC", "Date/Time of Tumor/Lesion Measurement", SD_W_DTC,
         "scan date", NULL, "Exp"),
    SD_N("TRDY", "Study Day of Tumor/Lesion Measurement", 0, "TRDTC - RFSTDTC",
         "Perm"),
};

static const struct ds_col rs_cols[] = {
    SD_IDS("RS"),
    SD_N("RSSEQ", "Sequence Number", 0, "numbered within USUBJID", "Req"),
    SD_C("RSTESTCD", "Assessment Short Name", 8,
         "TRGRESP, NTRGRESP, NEWLPROG, OVRLRESP, BESTRESP", "ONCRTSCD", "Req"),
    SD_C("RSTEST", "Assessment Name", 40, "RSTESTCD", "ONCRTS", "Req"),
    SD_C("RSCAT", "Category for Assessment", 20, "\"MRECIST\"", NULL, "Exp"),
    SD_C("RSORRES", "Result or Finding in Original Units", 20,
         "derived.response.timepoints[], derived.endpoints "
         "best_overall_response",
         "MRECIST", "Exp"),
    SD_C("RSSTRESC", "Character Result/Finding in Std Format", 20, "RSORRES",
         "MRECIST", "Exp"),
    SD_C("RSDRVFL", "Derived Flag", 1, "\"Y\": derived by the rules engine",
         "NY", "Perm"),
    SD_C("RSEVAL", "Evaluator", 20, "\"INVESTIGATOR\"", "EVAL", "Perm"),
    SD_N("VISITNUM", "Visit Number", -1, "visit table", "Exp"),
    SD_C("VISIT", "Visit Name", 40, "visit table", NULL, "Perm"),
    SD_C("RSDTC", "Date/Time of Assessment", SD_W_DTC, "timepoint date", NULL,
         "Exp"),
    SD_N("RSDY", "Study Day of Assessment", 0, "RSDTC - RFSTDTC", "Perm"),
};

/* The SUPPxx columns (SDTMIG 3.4 section 8.4). */
static const struct ds_col supp_cols[] = {
    SD_C("STUDYID", "Study Identifier", SD_W_STUDYID, "protocol study_id", NULL,
         "Req"),
    SD_C("RDOMAIN", "Related Domain Abbreviation", 2, "parent domain", NULL,
         "Req"),
    SD_C("USUBJID", "Unique Subject Identifier", SD_W_USUBJID, "parent USUBJID",
         NULL, "Req"),
    SD_C("IDVAR", "Identifying Variable", 8, "AESPID, EXSPID, TULNKID, TRGRPID",
         NULL, "Exp"),
    SD_C("IDVARVAL", "Identifying Variable Value", 40, "its value", NULL,
         "Exp"),
    SD_C("QNAM", "Qualifier Variable Name", 8, "docs/sdtm.md", NULL, "Req"),
    SD_C("QLABEL", "Qualifier Variable Label", 40, "docs/sdtm.md", NULL, "Req"),
    SD_C("QVAL", "Data Value", 200, "as recorded", NULL, "Req"),
    SD_C("QORIG", "Origin", 20, "CRF or DERIVED", NULL, "Req"),
    SD_C("QEVAL", "Evaluator", 20, "\"INVESTIGATOR\" for assessments", NULL,
         "Exp"),
};

/* Dataset metadata.  Labels and structures are the IG's (Datasets). */
#define SD_DEF(nm, lbl, cls, st, keys, cols)                                   \
  { nm, lbl, cls, st, keys, "SDTMIG 3.4", SD_N_OF(cols), cols }

static const struct ds_def sd_defs[] = {
    SD_DEF("DM", "Demographics", "SPECIAL PURPOSE", "One record per subject",
           "STUDYID, USUBJID", dm_cols),
    SD_DEF("SV", "Subject Visits", "SPECIAL PURPOSE",
           "One record per actual or planned visit per subject",
           "STUDYID, USUBJID, VISITNUM", sv_cols),
    SD_DEF("EX", "Exposure", "INTERVENTIONS",
           "One record per protocol-specified study treatment, "
           "constant-dosing interval, per subject",
           "STUDYID, USUBJID, EXTRT, EXSTDTC", ex_cols),
    SD_DEF("AE", "Adverse Events", "EVENTS",
           "One record per adverse event per subject",
           "STUDYID, USUBJID, AEDECOD, AESTDTC, AESPID", ae_cols),
    SD_DEF("LB", "Laboratory Test Results", "FINDINGS",
           "One record per lab test per time point per visit per subject",
           "STUDYID, USUBJID, LBTESTCD, VISITNUM, LBDTC", lb_cols),
    SD_DEF("DS", "Disposition", "EVENTS",
           "One record per disposition status or protocol milestone per "
           "subject",
           "STUDYID, USUBJID, DSDECOD, DSSTDTC", ds_cols),
    SD_DEF("TU", "Tumor/Lesion Identification", "FINDINGS",
           "One record per identified tumor per subject per assessor",
           "STUDYID, USUBJID, TULNKID", tu_cols),
    SD_DEF("TR", "Tumor/Lesion Results", "FINDINGS",
           "One record per tumor measurement/assessment per visit per "
           "subject per assessor",
           "STUDYID, USUBJID, TRLNKID, TRTESTCD, VISITNUM", tr_cols),
    SD_DEF("RS", "Disease Response and Clin Classification", "FINDINGS",
           "One record per response assessment per time point per visit "
           "per subject per assessor",
           "STUDYID, USUBJID, RSTESTCD, VISITNUM", rs_cols),
    SD_DEF("SUPPDM", "Supplemental Qualifiers for DM", "RELATIONSHIP",
           "One record per supplemental qualifier per related parent "
           "domain record",
           "STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM", supp_cols),
    SD_DEF("SUPPEX", "Supplemental Qualifiers for EX", "RELATIONSHIP",
           "One record per supplemental qualifier per related parent "
           "domain record",
           "STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM", supp_cols),
    SD_DEF("SUPPAE", "Supplemental Qualifiers for AE", "RELATIONSHIP",
           "One record per supplemental qualifier per related parent "
           "domain record",
           "STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM", supp_cols),
    SD_DEF("SUPPTU", "Supplemental Qualifiers for TU", "RELATIONSHIP",
           "One record per supplemental qualifier per related parent "
           "domain record",
           "STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM", supp_cols),
    SD_DEF("SUPPTR", "Supplemental Qualifiers for TR", "RELATIONSHIP",
           "One record per supplemental qualifier per related parent "
           "domain record",
           "STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM", supp_cols),
};

/* Indices into sd_defs (and into the output set). */
enum {
  SD_DM,
  SD_SV,
  SD_EX,
  SD_AE,
  SD_LB,
  SD_DS,
  SD_TU,
  SD_TR,
  SD_RS,
  SD_SUPPDM,
  SD_SUPPEX,
  SD_SUPPAE,
  SD_SUPPTU,
  SD_SUPPTR,
  SD_NDOM
};
static_assert(SD_NDOM == SD_N_OF(sd_defs), "sd_defs and its indices");
static_assert(SD_NDOM <= DS_SET_MAX, "the domains fit a ds_set");

/* Most visits a patient's visit table holds (scheduled + unscheduled). */
#define SD_MAX_VISITS 256

/* One visit of a patient (the visit table, docs/sdtm.md). */
struct sd_visit {
  double num;    /* VISITNUM */
  char name[40]; /* VISIT */
  char kind;     /* 'S' screening, 'B' baseline, 'A' assessment, 'V'
                 ** survival, 'U' unscheduled assessment */
  bool occurred; /* a record answers it */
  bool has_date; /* date is set */
  date_t date;   /* the date it happened */
  bool has_plan; /* planned date known (scheduled visits) */
  date_t plan;   /* the schedule's target date */
};

/* The builder's state: the output set, the protocol (cohort labels) and
** the current patient. */
struct sd {
  struct ds_set *out;               /* the domains (SD_NDOM datasets) */
  struct protocol proto;            /* cohort labels */
  const char *study_id;             /* STUDYID */
  char usubjid[128];                /* current patient's USUBJID */
  bool has_rfst;                    /* RFSTDTC known */
  date_t rfst;                      /* RFSTDTC (treatment start) */
  int n_visits;                     /* visits of the current patient */
  struct sd_visit v[SD_MAX_VISITS]; /* the visit table */
  bool has_ex;                      /* some EX row for the current patient */
  date_t ex_first, ex_last;         /* first EXSTDTC, last EXENDTC */
  date_t last_date;                 /* latest date seen in the casebook */
  bool has_last;                    /* last_date set */
};

/* A string member of o, or NULL. */
static const char *sd_jstr(const json_t *o, const char *key) {
  return json_string_value(json_object_get(o, key));
}

/* A number member of o, or NAN. */
static double sd_jnum(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The data object of the first record of kind in cb, or NULL. */
static const json_t *sd_first(const json_t *cb, const char *kind) {
  const json_t *recs = json_object_get(cb, "records");
  size_t i;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = sd_jstr(r, "kind");
    if (k != NULL && strcmp(k, kind) == 0) {
      return json_object_get(r, "data");
    }
  }
  return NULL;
}

/* Parse an ISO 8601 date member; true when present and valid. */
static bool sd_jdate(const json_t *o, const char *key, date_t *out) {
  const char *s = sd_jstr(o, key);
  return s != NULL && date_parse(s, out) == 0;
}

/* Copy s upper-cased into out (n bytes), '_' turned into ' '. */
static void sd_upper(const char *s, char *out, size_t n) {
  size_t i;
  if (n == 0) {
    return;
  }
  for (i = 0; s != NULL && s[i] != '\0' && i + 1 < n; i++) {
    out[i] = s[i] == '_' ? ' ' : (char)toupper((unsigned char)s[i]);
  }
  out[i] = '\0';
}

/* The study day of d: d - RFSTDTC + 1 on or after it, d - RFSTDTC before
** (SDTMIG 4.4.4: there is no day 0).  NAN without RFSTDTC. */
static double sd_dy(const struct sd *s, date_t d) {
  if (!s->has_rfst) {
    return NAN;
  }
  return d >= s->rfst ? (double)(d - s->rfst) + 1 : (double)(d - s->rfst);
}

/* Note d as a date of the casebook (RFPENDTC when no end of study). */
static void sd_saw(struct sd *s, date_t d) {
  if (!s->has_last || d > s->last_date) {
    s->last_date = d;
    s->has_last = true;
  }
}

/* Set the --DTC column dtc (and the --DY column dy, may be NULL) of row. */
static void sd_dtc(struct sd *s, struct ds *d, int row, const char *dtc,
                   const char *dy, date_t t) {
  char buf[DATE_STR_LEN];
  date_format(t, buf);
  ds_str(d, row, dtc, buf);
  if (dy != NULL) {
    ds_num(d, row, dy, sd_dy(s, t));
  }
  sd_saw(s, t);
}

/* Append a row to domain dom with STUDYID, DOMAIN and USUBJID set. */
static int sd_row(struct sd *s, int dom) {
  struct ds *d = &s->out->d[dom];
  int row = ds_add_row(d);
  ds_str(d, row, "STUDYID", s->study_id);
  if (dom < SD_SUPPDM) {
    ds_str(d, row, "DOMAIN", d->def->name);
  } else {
    ds_str(d, row, "RDOMAIN", d->def->name + 4);
  }
  ds_str(d, row, "USUBJID", s->usubjid);
  return row;
}

/* Append a SUPPxx record: parent identified by idvar = idval (both NULL
** for DM), qualifier qnam/qlabel, value qval (nothing when empty). */
static void sd_supp(struct sd *s, int dom, const char *idvar, const char *idval,
                    const char *qnam, const char *qlabel, const char *qval,
                    const char *qorig, const char *qeval) {
  struct ds *d = &s->out->d[dom];
  int row;
  if (qval == NULL || qval[0] == '\0') {
    return;
  }
  row = sd_row(s, dom);
  ds_str(d, row, "IDVAR", idvar);
  ds_str(d, row, "IDVARVAL", idval);
  ds_str(d, row, "QNAM", qnam);
  ds_str(d, row, "QLABEL", qlabel);
  ds_str(d, row, "QVAL", qval);
  ds_str(d, row, "QORIG", qorig);
  ds_str(d, row, "QEVAL", qeval);
}

/* The same with a number value (shortest text that reads back). */
static void sd_supp_num(struct sd *s, int dom, const char *qnam,
                        const char *qlabel, double x, const char *qorig) {
  char buf[32];
  if (!isfinite(x)) {
    return;
  }
  jx_fmt_double(x, buf);
  sd_supp(s, dom, NULL, NULL, qnam, qlabel, buf, qorig, NULL);
}

/* Add a visit to the table; returns its index, or -1 when full. */
static int sd_visit_add(struct sd *s, double num, const char *name, char kind) {
  struct sd_visit *v;
  if (s->n_visits >= SD_MAX_VISITS) {
    return -1;
  }
  v = &s->v[s->n_visits];
  memset(v, 0, sizeof(*v));
  v->num = num;
  v->kind = kind;
  snprintf(v->name, sizeof(v->name), "%s", name);
  return s->n_visits++;
}

/* The visit of a tumour assessment dated t: the scheduled assessment
** done that day, else an unscheduled visit numbered after the last visit
** before it (VISITNUM + 0.1 each).  Returns its index or -1. */
static int sd_visit_scan(struct sd *s, date_t t) {
  int i, best = -1, k;
  double base = 2;
  char name[40];
  for (i = 0; i < s->n_visits; i++) {
    const struct sd_visit *v = &s->v[i];
    if ((v->kind == 'A' || v->kind == 'U' || v->kind == 'B') && v->has_date &&
        v->date == t) {
      return i;
    }
  }
  for (i = 0; i < s->n_visits; i++) {
    const struct sd_visit *v = &s->v[i];
    if ((v->kind == 'A' || v->kind == 'B') && v->has_date && v->date < t &&
        (best < 0 || v->num > s->v[best].num)) {
      best = i;
    }
  }
  if (best >= 0) {
    base = s->v[best].num;
  }
  for (k = 1, i = 0; i < s->n_visits; i++) {
    if (s->v[i].kind == 'U' && floor(s->v[i].num) == base) {
      k++;
    }
  }
  snprintf(name, sizeof(name), "UNSCHEDULED %g", base + 0.1 * k);
  i = sd_visit_add(s, base + 0.1 * k, name, 'U');
  if (i >= 0) {
    s->v[i].occurred = s->v[i].has_date = true;
    s->v[i].date = t;
  }
  return i;
}

/* Set VISITNUM and VISIT of row from visit index vi (nothing when -1). */
static void sd_set_visit(struct sd *s, struct ds *d, int row, int vi) {
  if (vi < 0) {
    return;
  }
  ds_num(d, row, "VISITNUM", s->v[vi].num);
  ds_str(d, row, "VISIT", s->v[vi].name);
}

/* Build the patient's visit table: screening (1), baseline scan (2), the
** derived schedule's assessments (100 + n) and survival contacts
** (200 + n), then the unscheduled assessments (sd_visit_scan). */
static void sd_visits(struct sd *s, const json_t *cb) {
  const json_t *scr = sd_first(cb, "screening");
  const json_t *bs = sd_first(cb, "baseline_scan");
  const json_t *sch =
      json_object_get(json_object_get(cb, "derived"), "schedule");
  const json_t *recs = json_object_get(cb, "records");
  size_t i;
  int vi;
  s->n_visits = 0;
  vi = sd_visit_add(s, 1, "SCREENING", 'S');
  if (vi >= 0 && scr != NULL) {
    s->v[vi].occurred = s->v[vi].has_date =
        sd_jdate(scr, "screening_date", &s->v[vi].date);
  }
  vi = sd_visit_add(s, 2, "BASELINE", 'B');
  if (vi >= 0 && bs != NULL) {
    s->v[vi].occurred = s->v[vi].has_date =
        sd_jdate(bs, "date", &s->v[vi].date);
  }
  for (i = 0; i < json_array_size(sch); i++) {
    const json_t *x = json_array_get(sch, i);
    const char *kind = sd_jstr(x, "kind");
    const char *status = sd_jstr(x, "status");
    double n = sd_jnum(x, "number");
    char name[40];
    bool is_scan;
    if (kind == NULL || status == NULL || !isfinite(n)) {
      continue;
    }
    is_scan = strcmp(kind, "assessment") == 0;
    if (!is_scan && strcmp(kind, "survival") != 0) {
      continue;
    }
    snprintf(name, sizeof(name), "%s %g",
             is_scan ? "ASSESSMENT" : "SURVIVAL FOLLOW-UP", n);
    vi = sd_visit_add(s, (is_scan ? 100 : 200) + n, name, is_scan ? 'A' : 'V');
    if (vi < 0) {
      break;
    }
    s->v[vi].has_plan = sd_jdate(x, "target_date", &s->v[vi].plan);
    s->v[vi].has_date = sd_jdate(x, "done_date", &s->v[vi].date);
    s->v[vi].occurred = s->v[vi].has_date;
    if (!s->v[vi].occurred && strcmp(status, "missed") != 0) {
      s->n_visits--; /* planned or due: not yet a visit */
    }
  }
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = sd_jstr(r, "kind");
    date_t t;
    if (k != NULL && strcmp(k, "assessment") == 0 &&
        sd_jdate(json_object_get(r, "data"), "date", &t)) {
      sd_visit_scan(s, t);
    }
  }
}

/* SV: one row a visit of the table (missed scheduled visits with SVOCCUR
** "N" and no dates). */
static void sd_sv(struct sd *s) {
  struct ds *d = &s->out->d[SD_SV];
  int i;
  for (i = 0; i < s->n_visits; i++) {
    const struct sd_visit *v = &s->v[i];
    int row;
    if (!v->occurred && v->kind != 'A' && v->kind != 'V') {
      continue;
    }
    row = sd_row(s, SD_SV);
    ds_num(d, row, "VISITNUM", v->num);
    ds_str(d, row, "VISIT", v->name);
    ds_str(d, row, "SVPRESP", v->kind == 'U' ? NULL : "Y");
    ds_str(d, row, "SVOCCUR", v->occurred ? "Y" : "N");
    if (v->has_plan) {
      ds_num(d, row, "VISITDY", sd_dy(s, v->plan));
    }
    if (v->has_date) {
      sd_dtc(s, d, row, "SVSTDTC", "SVSTDY", v->date);
      sd_dtc(s, d, row, "SVENDTC", "SVENDY", v->date);
    }
    if (v->kind == 'U') {
      ds_str(d, row, "SVUPDES", "Unscheduled tumour assessment");
    }
  }
}

/* Note an EX interval for RFXSTDTC/RFXENDTC. */
static void sd_ex_span(struct sd *s, date_t a, date_t b) {
  if (!s->has_ex || a < s->ex_first) {
    s->ex_first = a;
  }
  if (!s->has_ex || b > s->ex_last) {
    s->ex_last = b;
  }
  s->has_ex = true;
}

/* One EX row: treatment, category, dose (NAN none) and unit, form,
** frequency, route, from a to b (has_end false: no end date).  Returns the
** row. */
static int sd_ex_row(struct sd *s, int64_t rec_id, const char *trt,
                     const char *cat, double dose, const char *unit,
                     const char *frm, const char *frq, const char *route,
                     date_t a, date_t b, bool has_end) {
  struct ds *d = &s->out->d[SD_EX];
  int row = sd_row(s, SD_EX);
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)rec_id);
  ds_str(d, row, "EXSPID", id);
  ds_str(d, row, "EXTRT", trt);
  ds_str(d, row, "EXCAT", cat);
  ds_num(d, row, "EXDOSE", dose);
  ds_str(d, row, "EXDOSU", isfinite(dose) ? unit : NULL);
  ds_str(d, row, "EXDOSFRM", frm);
  ds_str(d, row, "EXDOSFRQ", frq);
  ds_str(d, row, "EXROUTE", route);
  sd_dtc(s, d, row, "EXSTDTC", "EXSTDY", a);
  if (has_end) {
    sd_dtc(s, d, row, "EXENDTC", "EXENDY", b);
  }
  sd_ex_span(s, a, has_end ? b : a);
  return row;
}

/* The end of the patient's participation (end_of_study, else death). */
static bool sd_end_date(const json_t *cb, date_t *out) {
  return sd_jdate(sd_first(cb, "end_of_study"), "date", out) ||
         sd_jdate(sd_first(cb, "death"), "date", out);
}

/* EX: PD-1 doses, lenvatinib dosing periods, TACE sessions, HAIC drugs. */
static void sd_ex(struct sd *s, const json_t *cb) {
  const json_t *recs = json_object_get(cb, "records");
  date_t end = 0;
  bool has_end = sd_end_date(cb, &end);
  size_t i, j;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = sd_jstr(r, "kind");
    const json_t *x = json_object_get(r, "data");
    int64_t id = (int64_t)sd_jnum(r, "id");
    char trt[100], spid[24];
    date_t t;
    if (k == NULL || !sd_jdate(x, "date", &t)) {
      continue;
    }
    snprintf(spid, sizeof(spid), "%lld", (long long)id);
    if (strcmp(k, "pd1_dose") == 0) {
      sd_upper(sd_jstr(x, "agent"), trt, sizeof(trt));
      sd_ex_row(s, id, trt, "PD-1 INHIBITOR", sd_jnum(x, "dose_mg"), "mg",
                "INJECTION", "ONCE", "INTRAVENOUS", t, t, true);
    } else if (strcmp(k, "lenvatinib") == 0) {
      const char *act = sd_jstr(x, "action");
      const char *sch = sd_jstr(x, "schedule");
      date_t next = 0;
      bool has_next = false;
      if (act == NULL || sch == NULL || strcmp(act, "interrupt") == 0 ||
          strcmp(act, "discontinue") == 0 || strcmp(sch, "discontinued") == 0) {
        continue; /* a gap: no dose until the next event */
      }
      for (j = 0; j < json_array_size(recs); j++) {
        const json_t *r2 = json_array_get(recs, j);
        const char *k2 = sd_jstr(r2, "kind");
        date_t t2;
        if (j != i && k2 != NULL && strcmp(k2, "lenvatinib") == 0 &&
            sd_jdate(json_object_get(r2, "data"), "date", &t2) && t2 >= t &&
            (t2 > t || j > i) && (!has_next || t2 < next)) {
          next = t2;
          has_next = true;
        }
      }
      if (has_next) {
        next = next > t ? next - 1 : t;
      } else if (has_end && end >= t) {
        next = end;
        has_next = true;
      }
      sd_ex_row(s, id, "LENVATINIB", "TYROSINE KINASE INHIBITOR",
                sd_jnum(x, "dose_mg"), "mg", "CAPSULE",
                strcmp(sch, "daily") == 0 ? "QD" : "QOD", "ORAL", t, next,
                has_next);
    } else if (strcmp(k, "tace") == 0) {
      const char *tech = sd_jstr(x, "technique");
      sd_ex_row(s, id,
                tech != NULL && strcmp(tech, "debtace") == 0
                    ? "DRUG-ELUTING BEAD TACE"
                    : "CONVENTIONAL TACE",
                "LOCOREGIONAL", NAN, NULL, NULL, "ONCE", "INTRA-ARTERIAL", t, t,
                true);
      if (isfinite(sd_jnum(x, "lipiodol_ml"))) {
        char buf[32];
        jx_fmt_double(sd_jnum(x, "lipiodol_ml"), buf);
        sd_supp(s, SD_SUPPEX, "EXSPID", spid, "LIPIOVOL",
                "Lipiodol Volume (mL)", buf, "CRF", NULL);
      }
      sd_supp(s, SD_SUPPEX, "EXSPID", spid, "TACEDRUG",
              "TACE Chemotherapy Drugs and Doses", sd_jstr(x, "drugs"), "CRF",
              NULL);
    } else if (strcmp(k, "haic") == 0) {
      static const char *const keys[3] = {
          "oxaliplatin_mg_m2", "leucovorin_mg_m2", "fluorouracil_mg_m2"};
      static const char *const names[3] = {"OXALIPLATIN", "LEUCOVORIN",
                                           "FLUOROURACIL"};
      const char *reg = sd_jstr(x, "regimen");
      int n = 0, m;
      for (m = 0; m < 3; m++) {
        double dose = sd_jnum(x, keys[m]);
        if (isfinite(dose)) {
          sd_ex_row(s, id, names[m], "HAIC", dose, "mg/m2", "INJECTION", "ONCE",
                    "INTRA-ARTERIAL", t, t, true);
          n++;
        }
      }
      if (n == 0) {
        snprintf(trt, sizeof(trt), "HAIC %s",
                 reg != NULL && strcmp(reg, "folfox") == 0 ? "FOLFOX"
                                                           : "OTHER REGIMEN");
        sd_ex_row(s, id, trt, "HAIC", NAN, NULL, "INJECTION", "ONCE",
                  "INTRA-ARTERIAL", t, t, true);
      }
    }
  }
}

/* The AEREL/attribution rank of a collected relation (0 none). */
static int sd_rel_rank(const char *r) {
  static const char *const order[] = {"unrelated", "unlikely", "possible",
                                      "probable", "definite"};
  int i;
  for (i = 0; r != NULL && i < 5; i++) {
    if (strcmp(r, order[i]) == 0) {
      return i + 1;
    }
  }
  return 0;
}

/* A boolean member as "Y"/"N", NULL when absent. */
static const char *sd_yn(const json_t *o, const char *key) {
  const json_t *v = json_object_get(o, key);
  if (!json_is_boolean(v)) {
    return NULL;
  }
  return json_is_true(v) ? "Y" : "N";
}

/* Map a collected value through a table of {value, term} pairs (NULL
** when absent or unknown). */
static const char *sd_map(const char *v, const char *const (*tab)[2], int n) {
  int i;
  for (i = 0; v != NULL && i < n; i++) {
    if (strcmp(v, tab[i][0]) == 0) {
      return tab[i][1];
    }
  }
  return NULL;
}

/* AE: one row an adverse_event record; per-treatment relations to
** SUPPAE. */
static void sd_ae(struct sd *s, const json_t *cb) {
  static const char *const acn[][2] = {{"none", "DOSE NOT CHANGED"},
                                       {"interrupted", "DRUG INTERRUPTED"},
                                       {"reduced", "DOSE REDUCED"},
                                       {"withdrawn", "DRUG WITHDRAWN"}};
  static const char *const out[][2] = {
      {"recovered", "RECOVERED/RESOLVED"},
      {"recovering", "RECOVERING/RESOLVING"},
      {"not_recovered", "NOT RECOVERED/NOT RESOLVED"},
      {"recovered_with_sequelae", "RECOVERED/RESOLVED WITH SEQUELAE"},
      {"fatal", "FATAL"},
      {"unknown", "UNKNOWN"}};
  static const char *const rel[][3] = {
      {"attribution_locoregional", "AERELLR", "Relation to TACE/HAIC"},
      {"attribution_pd1", "AERELPD1", "Relation to PD-1 Inhibitor"},
      {"attribution_lenvatinib", "AERELLEN", "Relation to Lenvatinib"}};
  const json_t *recs = json_object_get(cb, "records");
  struct ds *d = &s->out->d[SD_AE];
  size_t i;
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = sd_jstr(r, "kind");
    const json_t *x = json_object_get(r, "data");
    const char *code, *best = NULL;
    char spid[24], grade[8], buf[64];
    double g, llt = NAN;
    int row, m, rank = 0;
    date_t t;
    if (k == NULL || strcmp(k, "adverse_event") != 0) {
      continue;
    }
    row = sd_row(s, SD_AE);
    snprintf(spid, sizeof(spid), "%lld", (long long)sd_jnum(r, "id"));
    ds_str(d, row, "AESPID", spid);
    ds_str(d, row, "AETERM", sd_jstr(x, "term"));
    ds_str(d, row, "AEDECOD", sd_jstr(x, "term"));
    code = sd_jstr(x, "meddra_code");
    if (code != NULL && code[0] != '\0' &&
        strspn(code, "0123456789") == strlen(code) && strlen(code) <= 10) {
      llt = strtod(code, NULL);
    }
    ds_num(d, row, "AELLTCD", llt);
    ds_str(d, row, "AESER", sd_yn(x, "serious"));
    ds_str(d, row, "AEACN", sd_map(sd_jstr(x, "action"), acn, SD_N_OF(acn)));
    for (m = 0; m < 3; m++) {
      const char *v = sd_jstr(x, rel[m][0]);
      if (sd_rel_rank(v) > rank) {
        rank = sd_rel_rank(v);
        best = v;
      }
      sd_upper(v, buf, sizeof(buf));
      sd_supp(s, SD_SUPPAE, "AESPID", spid, rel[m][1], rel[m][2], buf, "CRF",
              NULL);
    }
    sd_upper(best, buf, sizeof(buf));
    ds_str(d, row, "AEREL", buf);
    ds_str(d, row, "AEOUT", sd_map(sd_jstr(x, "outcome"), out, SD_N_OF(out)));
    ds_str(d, row, "AESDISAB", sd_yn(x, "sae_disability"));
    ds_str(d, row, "AESDTH", sd_yn(x, "sae_death"));
    ds_str(d, row, "AESHOSP", sd_yn(x, "sae_hospitalisation"));
    ds_str(d, row, "AESLIFE", sd_yn(x, "sae_life_threatening"));
    ds_str(d, row, "AESMIE", sd_yn(x, "sae_medically_important"));
    g = sd_jnum(x, "grade");
    if (isfinite(g) && g >= 1 && g <= 5) {
      snprintf(grade, sizeof(grade), "%d", (int)g);
      ds_str(d, row, "AETOXGR", grade);
    }
    if (sd_jdate(x, "onset_date", &t)) {
      sd_dtc(s, d, row, "AESTDTC", "AESTDY", t);
    }
    if (sd_jdate(x, "resolution_date", &t)) {
      sd_dtc(s, d, row, "AEENDTC", "AEENDY", t);
    }
  }
}

/* A laboratory test: how it is named in the data, its CDISC codes, and
** the standard unit with the factors of the original units accepted. */
struct sd_labtest {
  const char *names;    /* lower-case names, '|' separated */
  const char *testcd;   /* LBTESTCD */
  const char *test;     /* LBTEST */
  const char *cat;      /* LBCAT */
  const char *stdu;     /* LBSTRESU ("" for a ratio) */
  const char *units[3]; /* original units with a known factor */
  double factor[3];     /* LBSTRESN = value * factor */
};

/* The tests the forms collect and the common ones of lab records
** (SDTM CT LBTESTCD/LBTEST; SI units as the standard). */
static const struct sd_labtest sd_labtests[] = {
    {"bilirubin|total bilirubin|bili|tbil",
     "BILI",
     "Bilirubin",
     "CHEMISTRY",
     "umol/L",
     {"umol/L", "mg/dL", NULL},
     {1, 17.1, 0}},
    {"albumin|alb",
     "ALB",
     "Albumin",
     "CHEMISTRY",
     "g/L",
     {"g/L", "g/dL", NULL},
     {1, 10, 0}},
    {"inr|pt-inr",
     "INR",
     "Prothrombin Intl. Normalized Ratio",
     "COAGULATION",
     "",
     {"", "ratio", NULL},
     {1, 1, 0}},
    {"afp|alpha-fetoprotein|alpha fetoprotein",
     "AFP",
     "Alpha Fetoprotein",
     "CHEMISTRY",
     "ug/L",
     {"ng/mL", "ug/L", NULL},
     {1, 1, 0}},
    {"pivka-ii|pivka|dcp",
     "PIVKAII",
     "Prothrombin Induced by Vit K Absence II",
     "CHEMISTRY",
     "mAU/mL",
     {"mAU/mL", NULL, NULL},
     {1, 0, 0}},
    {"alt|alanine aminotransferase",
     "ALT",
     "Alanine Aminotransferase",
     "CHEMISTRY",
     "U/L",
     {"U/L", "IU/L", NULL},
     {1, 1, 0}},
    {"ast|aspartate aminotransferase",
     "AST",
     "Aspartate Aminotransferase",
     "CHEMISTRY",
     "U/L",
     {"U/L", "IU/L", NULL},
     {1, 1, 0}},
    {"platelets|platelet count|plt",
     "PLAT",
     "Platelets",
     "HEMATOLOGY",
     "10^9/L",
     {"10^9/L", "x10^9/L", "10^3/uL"},
     {1, 1, 1}},
    {"creatinine|crea",
     "CREAT",
     "Creatinine",
     "CHEMISTRY",
     "umol/L",
     {"umol/L", "mg/dL", NULL},
     {1, 88.4, 0}},
    {"hemoglobin|haemoglobin|hgb|hb",
     "HGB",
     "Hemoglobin",
     "HEMATOLOGY",
     "g/L",
     {"g/L", "g/dL", NULL},
     {1, 10, 0}},
    {"wbc|leukocytes|white blood cells",
     "WBC",
     "Leukocytes",
     "HEMATOLOGY",
     "10^9/L",
     {"10^9/L", "x10^9/L", "10^3/uL"},
     {1, 1, 1}},
    {"neutrophils|anc",
     "NEUT",
     "Neutrophils",
     "HEMATOLOGY",
     "10^9/L",
     {"10^9/L", "x10^9/L", "10^3/uL"},
     {1, 1, 1}},
};

/* Is name (any case) one of the '|'-separated names? */
static bool sd_name_in(const char *name, const char *names) {
  size_t n = strlen(name);
  const char *p = names;
  while (*p) {
    const char *q = strchr(p, '|');
    size_t m = q ? (size_t)(q - p) : strlen(p);
    if (m == n && strncasecmp(p, name, n) == 0) {
      return true;
    }
    p += m + (q ? 1 : 0);
  }
  return false;
}

/* One LB row: test name as recorded, value, original unit; visit vi; the
** date (has_date) and the baseline flag. */
static void sd_lb_row(struct sd *s, const char *name, double value,
                      const char *unit, int vi, bool has_date, date_t t,
                      bool is_lobx) {
  struct ds *d = &s->out->d[SD_LB];
  const struct sd_labtest *lt = NULL;
  char buf[32], code[9];
  int row, i, j;
  if (!isfinite(value) || name == NULL) {
    return;
  }
  for (i = 0; i < SD_N_OF(sd_labtests); i++) {
    if (sd_name_in(name, sd_labtests[i].names)) {
      lt = &sd_labtests[i];
      break;
    }
  }
  row = sd_row(s, SD_LB);
  jx_fmt_double(value, buf);
  ds_str(d, row, "LBORRES", buf);
  ds_str(d, row, "LBORRESU", unit);
  if (lt != NULL) {
    ds_str(d, row, "LBTESTCD", lt->testcd);
    ds_str(d, row, "LBTEST", lt->test);
    ds_str(d, row, "LBCAT", lt->cat);
    for (j = 0; j < 3 && lt->units[j] != NULL; j++) {
      if (strcasecmp(lt->units[j], unit ? unit : "") == 0) {
        double x = value * lt->factor[j];
        jx_fmt_double(x, buf);
        ds_num(d, row, "LBSTRESN", x);
        ds_str(d, row, "LBSTRESC", buf);
        ds_str(d, row, "LBSTRESU", lt->stdu);
        break;
      }
    }
  } else {
    /* Not in the table: a short name from the text, the result as
    ** recorded (docs/sdtm.md). */
    for (i = 0, j = 0; name[i] != '\0' && j < 8; i++) {
      if (isalnum((unsigned char)name[i])) {
        code[j++] = (char)toupper((unsigned char)name[i]);
      }
    }
    code[j] = '\0';
    ds_str(d, row, "LBTESTCD", code[0] ? code : "LBOTHER");
    ds_str(d, row, "LBTEST", name);
    ds_num(d, row, "LBSTRESN", value);
    ds_str(d, row, "LBSTRESC", buf);
    ds_str(d, row, "LBSTRESU", unit);
  }
  ds_str(d, row, "LBLOBXFL", is_lobx ? "Y" : NULL);
  sd_set_visit(s, d, row, vi);
  if (has_date) {
    sd_dtc(s, d, row, "LBDTC", "LBDY", t);
  }
}

/* LB: the screening Child-Pugh labs, the baseline labs (no date on the
** form) and every lab record. */
static void sd_lb(struct sd *s, const json_t *cb) {
  const json_t *scr = sd_first(cb, "screening");
  const json_t *cp = json_object_get(scr, "child_pugh");
  const json_t *b = sd_first(cb, "baseline");
  const json_t *recs = json_object_get(cb, "records");
  date_t t = 0;
  bool has_t = sd_jdate(scr, "screening_date", &t);
  bool lobx = b == NULL;
  size_t i;
  sd_lb_row(s, "bilirubin", sd_jnum(cp, "bilirubin_umol_l"), "umol/L", 0, has_t,
            t, lobx);
  sd_lb_row(s, "albumin", sd_jnum(cp, "albumin_g_l"), "g/L", 0, has_t, t, lobx);
  sd_lb_row(s, "inr", sd_jnum(cp, "inr"), NULL, 0, has_t, t, lobx);
  sd_lb_row(s, "bilirubin", sd_jnum(b, "bilirubin_umol_l"), "umol/L", 1, false,
            0, true);
  sd_lb_row(s, "albumin", sd_jnum(b, "albumin_g_l"), "g/L", 1, false, 0, true);
  sd_lb_row(s, "inr", sd_jnum(b, "inr"), NULL, 1, false, 0, true);
  sd_lb_row(s, "afp", sd_jnum(b, "afp_ng_ml"), "ng/mL", 1, false, 0, true);
  sd_lb_row(s, "pivka-ii", sd_jnum(b, "pivka_mau_ml"), "mAU/mL", 1, false, 0,
            true);
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *k = sd_jstr(r, "kind");
    const json_t *x = json_object_get(r, "data");
    date_t d;
    if (k != NULL && strcmp(k, "lab") == 0 && sd_jdate(x, "date", &d)) {
      sd_lb_row(s, sd_jstr(x, "test"), sd_jnum(x, "value"), sd_jstr(x, "unit"),
                -1, true, d, false);
    }
  }
}

/* One DS row. */
static void sd_ds_row(struct sd *s, const char *term, const char *decod,
                      const char *cat, bool has_date, date_t t) {
  struct ds *d = &s->out->d[SD_DS];
  int row = sd_row(s, SD_DS);
  ds_str(d, row, "DSTERM", term);
  ds_str(d, row, "DSDECOD", decod);
  ds_str(d, row, "DSCAT", cat);
  if (has_date) {
    sd_dtc(s, d, row, "DSSTDTC", "DSSTDY", t);
  }
}

/* DS: informed consent and enrolment (protocol milestones), screen
** failure, end of study with its reason, death without an end of study. */
static void sd_ds(struct sd *s, const json_t *cb) {
  static const char *const reason[][2] = {
      {"completed", "COMPLETED"},
      {"death", "DEATH"},
      {"withdrawal", "WITHDRAWAL BY SUBJECT"},
      {"lost_to_follow_up", "LOST TO FOLLOW-UP"},
      {"study_terminated", "STUDY TERMINATED BY SPONSOR"},
      {"other", "OTHER"}};
  const json_t *en = sd_first(cb, "enrolment");
  const json_t *scr = sd_first(cb, "screening");
  const json_t *eos = sd_first(cb, "end_of_study");
  const json_t *dth = sd_first(cb, "death");
  const char *status = sd_jstr(json_object_get(cb, "patient"), "status");
  char term[64];
  date_t t = 0;
  bool has;
  if (en != NULL) {
    has = sd_jdate(en, "consent_date", &t);
    sd_ds_row(s, "INFORMED CONSENT OBTAINED", "INFORMED CONSENT OBTAINED",
              "PROTOCOL MILESTONE", has, t);
    has = sd_jdate(en, "treatment_start", &t);
    snprintf(term, sizeof(term), "ENROLLED IN COHORT %s",
             sd_jstr(en, "cohort") ? sd_jstr(en, "cohort") : "");
    sd_ds_row(s, term, "ENROLLED", "PROTOCOL MILESTONE", has, t);
  }
  if (status != NULL && strcmp(status, "screen_failed") == 0) {
    has = sd_jdate(scr, "screening_date", &t);
    sd_ds_row(s, "SCREEN FAILURE", "SCREEN FAILURE", "DISPOSITION EVENT", has,
              t);
  }
  if (eos != NULL) {
    const char *r = sd_jstr(eos, "reason");
    const char *decod = sd_map(r, reason, SD_N_OF(reason));
    sd_upper(r, term, sizeof(term));
    has = sd_jdate(eos, "date", &t);
    sd_ds_row(s, term, decod ? decod : "OTHER", "DISPOSITION EVENT", has, t);
  } else if (dth != NULL) {
    has = sd_jdate(dth, "date", &t);
    sd_ds_row(s, "DEATH", "DEATH", "DISPOSITION EVENT", has, t);
  }
}

/* The TUMETHOD/TRMETHOD term of a scan modality. */
static const char *sd_method(const json_t *scan) {
  const char *m = sd_jstr(scan, "modality");
  if (m == NULL) {
    return NULL;
  }
  return strcmp(m, "mri") == 0 ? "MRI"
                               : (strcmp(m, "ct") == 0 ? "CT SCAN" : NULL);
}

/* The TULOC of a non-target lesion kind or new-lesion site. */
static void sd_loc(const char *kind, char *out, size_t n) {
  static const char *const loc[][2] = {
      {"pvtt", "PORTAL VEIN"},
      {"node", "LYMPH NODE"},
      {"porta_hepatis_node", "LYMPH NODE, PORTA HEPATIS"},
      {"pleural_effusion", "PLEURAL CAVITY"},
      {"ascites", "PERITONEAL CAVITY"}};
  const char *m = sd_map(kind, loc, SD_N_OF(loc));
  if (m != NULL) {
    snprintf(out, n, "%s", m);
  } else {
    sd_upper(kind, out, n);
  }
}

/* One TU row. */
static void sd_tu_row(struct sd *s, const char *id, const char *res,
                      const char *loc, const char *method, int vi, date_t t,
                      bool has_t, bool baseline) {
  struct ds *d = &s->out->d[SD_TU];
  int row = sd_row(s, SD_TU);
  ds_str(d, row, "TULNKID", id);
  ds_str(d, row, "TUTESTCD", "TUMIDENT");
  ds_str(d, row, "TUTEST", "Tumor Identification");
  ds_str(d, row, "TUORRES", res);
  ds_str(d, row, "TUSTRESC", res);
  ds_str(d, row, "TULOC", loc);
  ds_str(d, row, "TUMETHOD", method);
  ds_str(d, row, "TULOBXFL", baseline ? "Y" : NULL);
  ds_str(d, row, "TUEVAL", "INVESTIGATOR");
  sd_set_visit(s, d, row, vi);
  if (has_t) {
    sd_dtc(s, d, row, "TUDTC", "TUDY", t);
  }
}

/* One TR row: group, lesion id, test, result text and number (NAN for a
** state), unit. */
static void sd_tr_row(struct sd *s, const char *grp, const char *id,
                      const char *testcd, const char *res, double x,
                      const char *method, int vi, date_t t, bool baseline) {
  static const char *const tests[][2] = {{"LDIAM", "Longest Diameter"},
                                         {"SUMDIAM", "Sum of Diameter"},
                                         {"TUMSTATE", "Tumor State"}};
  struct ds *d = &s->out->d[SD_TR];
  int row = sd_row(s, SD_TR);
  bool is_diam = strcmp(testcd, "TUMSTATE") != 0;
  char buf[32];
  ds_str(d, row, "TRGRPID", grp);
  ds_str(d, row, "TRLNKID", id);
  ds_str(d, row, "TRTESTCD", testcd);
  ds_str(d, row, "TRTEST", sd_map(testcd, tests, SD_N_OF(tests)));
  if (is_diam && isfinite(x)) {
    jx_fmt_double(x, buf);
    ds_str(d, row, "TRORRES", buf);
    ds_str(d, row, "TRORRESU", "mm");
    ds_str(d, row, "TRSTRESC", buf);
    ds_num(d, row, "TRSTRESN", x);
    ds_str(d, row, "TRSTRESU", "mm");
  } else if (!is_diam && res != NULL) {
    ds_str(d, row, "TRORRES", res);
    ds_str(d, row, "TRSTRESC", res);
  } else {
    /* Not measured or not evaluated (the RECIST 1.1 disease response
    ** supplement's representation). */
    ds_str(d, row, "TRSTAT", "NOT DONE");
    ds_str(d, row, "TRREASND", "NOT EVALUABLE");
  }
  ds_str(d, row, "TRMETHOD", method);
  ds_str(d, row, "TRLOBXFL", baseline ? "Y" : NULL);
  ds_str(d, row, "TREVAL", "INVESTIGATOR");
  sd_set_visit(s, d, row, vi);
  sd_dtc(s, d, row, "TRDTC", "TRDY", t);
}

/* The TRORRES of a non-target status (NULL for not_evaluated: TRSTAT). */
static const char *sd_ntstate(const char *st) {
  static const char *const tab[][2] = {
      {"absent", "ABSENT"},
      {"present", "PRESENT"},
      {"progression", "UNEQUIVOCAL PROGRESSION"}};
  return sd_map(st, tab, SD_N_OF(tab));
}

/* Is id already a TULNKID of the current patient (rows from first)? */
static bool sd_tu_has(const struct sd *s, int first, const char *id) {
  const struct ds *d = &s->out->d[SD_TU];
  int c = ds_col_index(d->def, "TULNKID"), i;
  for (i = first; i < d->n; i++) {
    if (strcmp(ds_get_str(d, i, c), id) == 0) {
      return true;
    }
  }
  return false;
}

/* TU and TR: the baseline scan's lesions, then per assessment the target
** diameters, the derived sum, the non-target states and new lesions. */
static void sd_tumours(struct sd *s, const json_t *cb) {
  const json_t *bs = sd_first(cb, "baseline_scan");
  const json_t *recs = json_object_get(cb, "records");
  const json_t *tps = json_object_get(
      json_object_get(json_object_get(cb, "derived"), "response"),
      "timepoints");
  int tu_first = s->out->d[SD_TU].n;
  size_t i, j, k;
  date_t t;
  char loc[64];
  if (bs != NULL && sd_jdate(bs, "date", &t)) {
    const json_t *tg = json_object_get(bs, "target");
    const json_t *nt = json_object_get(bs, "nontarget");
    const char *m = sd_method(bs);
    for (j = 0; j < json_array_size(tg); j++) {
      const json_t *l = json_array_get(tg, j);
      sd_upper(sd_jstr(l, "organ"), loc, sizeof(loc));
      sd_tu_row(s, sd_jstr(l, "id"), "TARGET", loc, m, 1, t, true, true);
      sd_tr_row(s, "TARGET", sd_jstr(l, "id"), "LDIAM", NULL,
                sd_jnum(l, "viable_mm"), m, 1, t, true);
    }
    for (j = 0; j < json_array_size(nt); j++) {
      const json_t *l = json_array_get(nt, j);
      sd_loc(sd_jstr(l, "kind"), loc, sizeof(loc));
      sd_tu_row(s, sd_jstr(l, "id"), "NON-TARGET", loc, m, 1, t, true, true);
      sd_tr_row(s, "NON-TARGET", sd_jstr(l, "id"), "TUMSTATE", "PRESENT", NAN,
                m, 1, t, true);
    }
    if (json_array_size(tg) > 0) {
      sd_supp(s, SD_SUPPTR, "TRGRPID", "TARGET", "MRECVIAB",
              "mRECIST Viable Tumour Diameter", "Y", "CRF", "INVESTIGATOR");
    }
  }
  for (i = 0; i < json_array_size(recs); i++) {
    const json_t *r = json_array_get(recs, i);
    const char *kind = sd_jstr(r, "kind");
    const json_t *x = json_object_get(r, "data");
    const json_t *tg = json_object_get(x, "target");
    const json_t *nt = json_object_get(x, "nontarget");
    const json_t *nl = json_object_get(x, "new_lesions");
    const char *m;
    int vi;
    if (kind == NULL || strcmp(kind, "assessment") != 0 ||
        !sd_jdate(x, "date", &t)) {
      continue;
    }
    m = sd_method(x);
    vi = sd_visit_scan(s, t);
    for (j = 0; j < json_array_size(tg); j++) {
      const json_t *l = json_array_get(tg, j);
      sd_tr_row(s, "TARGET", sd_jstr(l, "id"), "LDIAM", NULL,
                sd_jnum(l, "viable_mm"), m, vi, t, false);
    }
    for (k = 0; k < json_array_size(tps); k++) {
      const json_t *tp = json_array_get(tps, k);
      const char *ds = sd_jstr(tp, "date");
      date_t tt;
      if (ds != NULL && date_parse(ds, &tt) == 0 && tt == t &&
          isfinite(sd_jnum(tp, "sum_mm"))) {
        sd_tr_row(s, "TARGET", NULL, "SUMDIAM", NULL, sd_jnum(tp, "sum_mm"), m,
                  vi, t, false);
        break;
      }
    }
    for (j = 0; j < json_array_size(nt); j++) {
      const json_t *l = json_array_get(nt, j);
      sd_tr_row(s, "NON-TARGET", sd_jstr(l, "id"), "TUMSTATE",
                sd_ntstate(sd_jstr(l, "status")), NAN, m, vi, t, false);
    }
    for (j = 0; j < json_array_size(nl); j++) {
      const json_t *l = json_array_get(nl, j);
      const char *id = sd_jstr(l, "id");
      char lid[40];
      snprintf(lid, sizeof(lid), "%s", id ? id : "");
      if (!sd_tu_has(s, tu_first, lid)) {
        sd_loc(sd_jstr(l, "site"), loc, sizeof(loc));
        sd_tu_row(s, lid, "NEW", loc, m, vi, t, true, false);
        sd_supp(s, SD_SUPPTU, "TULNKID", lid, "NLTYPIC",
                "New Lesion Typical HCC Pattern", sd_yn(l, "typical"), "CRF",
                "INVESTIGATOR");
        sd_supp(s, SD_SUPPTU, "TULNKID", lid, "NLEQUIV", "New Lesion Equivocal",
                sd_yn(l, "equivocal"), "CRF", "INVESTIGATOR");
        sd_supp(s, SD_SUPPTU, "TULNKID", lid, "NLCYTOL",
                "Effusion Cytology Positive", sd_yn(l, "cytology_positive"),
                "CRF", "INVESTIGATOR");
      }
      sd_tr_row(s, "NEW", lid, "TUMSTATE", "PRESENT", NAN, m, vi, t, false);
      if (isfinite(sd_jnum(l, "diameter_mm"))) {
        sd_tr_row(s, "NEW", lid, "LDIAM", NULL, sd_jnum(l, "diameter_mm"), m,
                  vi, t, false);
      }
    }
  }
}

/* One RS row (nothing when res is NULL). */
static void sd_rs_row(struct sd *s, const char *testcd, const char *res, int vi,
                      bool has_t, date_t t) {
  static const char *const tests[][2] = {{"TRGRESP", "Target Response"},
                                         {"NTRGRESP", "Non-target Response"},
                                         {"NEWLPROG", "New Lesion Progression"},
                                         {"OVRLRESP", "Overall Response"},
                                         {"BESTRESP", "Best Overall Response"}};
  struct ds *d = &s->out->d[SD_RS];
  int row;
  if (res == NULL || res[0] == '\0') {
    return;
  }
  row = sd_row(s, SD_RS);
  ds_str(d, row, "RSTESTCD", testcd);
  ds_str(d, row, "RSTEST", sd_map(testcd, tests, SD_N_OF(tests)));
  ds_str(d, row, "RSCAT", "MRECIST");
  ds_str(d, row, "RSORRES", res);
  ds_str(d, row, "RSSTRESC", res);
  ds_str(d, row, "RSDRVFL", "Y");
  ds_str(d, row, "RSEVAL", "INVESTIGATOR");
  sd_set_visit(s, d, row, vi);
  if (has_t) {
    sd_dtc(s, d, row, "RSDTC", "RSDY", t);
  }
}

/* RS: the derived responses of each scan and the best overall response
** (derived.endpoints), as the rules engine stored them. */
static void sd_rs(struct sd *s, const json_t *cb) {
  const json_t *der = json_object_get(cb, "derived");
  const json_t *tps =
      json_object_get(json_object_get(der, "response"), "timepoints");
  size_t k;
  for (k = 0; k < json_array_size(tps); k++) {
    const json_t *tp = json_array_get(tps, k);
    const json_t *nl = json_object_get(tp, "new_lesion");
    date_t t;
    int vi;
    if (!sd_jdate(tp, "date", &t)) {
      continue;
    }
    vi = sd_visit_scan(s, t);
    sd_rs_row(s, "TRGRESP", sd_jstr(tp, "target"), vi, true, t);
    sd_rs_row(s, "NTRGRESP", sd_jstr(tp, "nontarget"), vi, true, t);
    sd_rs_row(s, "NEWLPROG",
              json_is_boolean(nl) ? (json_is_true(nl) ? "Y" : "N") : NULL, vi,
              true, t);
    sd_rs_row(s, "OVRLRESP", sd_jstr(tp, "overall"), vi, true, t);
  }
  sd_rs_row(s, "BESTRESP",
            sd_jstr(json_object_get(der, "endpoints"), "best_overall_response"),
            -1, false, 0);
}

/* DM (after EX, which gives RFXSTDTC/RFXENDTC) and SUPPDM. */
static void sd_dm(struct sd *s, const json_t *cb) {
  const json_t *pt = json_object_get(cb, "patient");
  const json_t *scr = sd_first(cb, "screening");
  const json_t *en = sd_first(cb, "enrolment");
  const json_t *b = sd_first(cb, "baseline");
  const json_t *eos = sd_first(cb, "end_of_study");
  const json_t *dth = sd_first(cb, "death");
  const json_t *el =
      json_object_get(json_object_get(cb, "derived"), "eligibility");
  const char *cohort = sd_jstr(pt, "cohort");
  const char *status = sd_jstr(pt, "status");
  const char *label = NULL, *sex = sd_jstr(b, "sex");
  struct ds *d = &s->out->d[SD_DM];
  int row = sd_row(s, SD_DM), i;
  double age = sd_jnum(b, "age");
  char buf[64];
  date_t t;
  ds_str(d, row, "SUBJID", sd_jstr(pt, "code"));
  if (s->has_rfst) {
    sd_dtc(s, d, row, "RFSTDTC", NULL, s->rfst);
  }
  if (sd_end_date(cb, &t)) {
    sd_dtc(s, d, row, "RFENDTC", NULL, t);
  }
  if (s->has_ex) {
    sd_dtc(s, d, row, "RFXSTDTC", NULL, s->ex_first);
    sd_dtc(s, d, row, "RFXENDTC", NULL, s->ex_last);
  }
  if (sd_jdate(en, "consent_date", &t)) {
    sd_dtc(s, d, row, "RFICDTC", NULL, t);
  }
  if (sd_jdate(eos, "date", &t)) {
    sd_dtc(s, d, row, "RFPENDTC", NULL, t);
  } else if (s->has_last) {
    sd_dtc(s, d, row, "RFPENDTC", NULL, s->last_date);
  }
  if (sd_jdate(dth, "date", &t)) {
    sd_dtc(s, d, row, "DTHDTC", NULL, t);
    ds_str(d, row, "DTHFL", "Y");
  }
  ds_str(d, row, "SITEID", sd_jstr(pt, "site"));
  if (!isfinite(age)) {
    age = sd_jnum(scr, "age");
  }
  ds_num(d, row, "AGE", age);
  ds_str(d, row, "AGEU", isfinite(age) ? "YEARS" : NULL);
  ds_str(d, row, "SEX",
         sex == NULL ? "U"
                     : (strcmp(sex, "male") == 0
                            ? "M"
                            : (strcmp(sex, "female") == 0 ? "F" : "U")));
  for (i = 0; cohort != NULL && i < s->proto.n_cohorts; i++) {
    if (strcmp(s->proto.cohorts[i].id, cohort) == 0) {
      label = s->proto.cohorts[i].label;
    }
  }
  if (cohort != NULL && cohort[0] != '\0') {
    ds_str(d, row, "ARMCD", cohort);
    ds_str(d, row, "ARM", label ? label : cohort);
    if (s->has_ex) {
      ds_str(d, row, "ACTARMCD", cohort);
      ds_str(d, row, "ACTARM", label ? label : cohort);
    } else {
      ds_str(d, row, "ARMNRS", "ASSIGNED, NOT TREATED");
    }
  } else {
    ds_str(d, row, "ARMNRS",
           status != NULL && strcmp(status, "screen_failed") == 0
               ? "SCREEN FAILURE"
               : "NOT ASSIGNED");
  }
  ds_str(d, row, "COUNTRY", "CHN");
  if (sd_jdate(scr, "screening_date", &t)) {
    sd_dtc(s, d, row, "DMDTC", "DMDY", t);
  }
  sd_upper(sd_jstr(b, "aetiology"), buf, sizeof(buf));
  sd_supp(s, SD_SUPPDM, NULL, NULL, "AETIOL", "HCC Aetiology", buf, "CRF",
          NULL);
  sd_supp(s, SD_SUPPDM, NULL, NULL, "BCLC", "BCLC Stage at Baseline",
          sd_jstr(b, "bclc"), "CRF", NULL);
  sd_supp_num(s, SD_SUPPDM, "ECOG", "ECOG Performance Status at Baseline",
              sd_jnum(b, "ecog"), "CRF");
  sd_supp_num(s, SD_SUPPDM, "CPSCORE", "Child-Pugh Score at Screening",
              sd_jnum(el, "child_pugh_score"), "DERIVED");
  sd_supp(s, SD_SUPPDM, NULL, NULL, "CPCLASS", "Child-Pugh Class at Screening",
          sd_jstr(el, "child_pugh_class"), "DERIVED", NULL);
  sd_supp_num(s, SD_SUPPDM, "ALBISCR", "ALBI Score at Screening",
              sd_jnum(el, "albi_score"), "DERIVED");
  sd_supp_num(s, SD_SUPPDM, "ALBIGR", "ALBI Grade at Screening",
              sd_jnum(el, "albi_grade"), "DERIVED");
  sd_supp(s, SD_SUPPDM, NULL, NULL, "ELIGOVR", "Enrolled Despite Ineligibility",
          sd_yn(en, "eligibility_override"), "CRF", NULL);
  sd_supp(s, SD_SUPPDM, NULL, NULL, "OVRREAS",
          "Reason for Eligibility Override", sd_jstr(en, "override_reason"),
          "CRF", NULL);
  sd_upper(sd_jstr(dth, "cause"), buf, sizeof(buf));
  sd_supp(s, SD_SUPPDM, NULL, NULL, "DTHCAUS", "Cause of Death", buf, "CRF",
          NULL);
}

/* The USUBJID of a casebook's patient, made by frame_value (frame.c) so
** that SDTM and ADaM agree. */
static void sd_usubjid(struct sd *s, const json_t *pt) {
  struct frame f;
  struct frame_row r;
  double x;
  int c;
  memset(&f, 0, sizeof(f));
  memset(&r, 0, sizeof(r));
  snprintf(f.study_id, sizeof(f.study_id), "%s", s->study_id);
  snprintf(r.code, sizeof(r.code), "%s",
           sd_jstr(pt, "code") ? sd_jstr(pt, "code") : "");
  snprintf(r.site, sizeof(r.site), "%s",
           sd_jstr(pt, "site") ? sd_jstr(pt, "site") : "");
  for (c = 0; c < FRAME_N_COLS; c++) {
    if (strcmp(frame_cols[c].name, "USUBJID") == 0) {
      frame_value(&f, &r, c, &x, s->usubjid, sizeof(s->usubjid));
      return;
    }
  }
  s->usubjid[0] = '\0';
}

/* Add one casebook to every domain (frame_casebook_fn). */
static int sd_one(void *ctx, const json_t *cb, struct err *e) {
  struct sd *s = ctx;
  (void)e;
  sd_usubjid(s, json_object_get(cb, "patient"));
  s->has_rfst =
      sd_jdate(sd_first(cb, "enrolment"), "treatment_start", &s->rfst);
  s->has_ex = s->has_last = false;
  sd_visits(s, cb);
  sd_ex(s, cb);
  sd_ae(s, cb);
  sd_lb(s, cb);
  sd_ds(s, cb);
  sd_tumours(s, cb);
  sd_rs(s, cb);
  sd_sv(s);
  sd_dm(s, cb);
  return APP_OK;
}

/* The sort keys of each domain after USUBJID (stable: ties keep the
** order the casebook gave). */
static const char *const sd_keys[SD_NDOM][5] = {
    {"USUBJID", NULL},
    {"USUBJID", "VISITNUM", NULL},
    {"USUBJID", "EXSTDTC", "EXTRT", NULL},
    {"USUBJID", "AESTDTC", NULL},
    {"USUBJID", "VISITNUM", "LBDTC", NULL},
    {"USUBJID", "DSSTDTC", NULL},
    {"USUBJID", "TUDTC", NULL},
    {"USUBJID", "TRDTC", NULL},
    {"USUBJID", "RSDTC", NULL},
    {"USUBJID", NULL},
    {"USUBJID", NULL},
    {"USUBJID", NULL},
    {"USUBJID", NULL},
    {"USUBJID", NULL},
};

int sdtm_build(const struct frame_source *src, struct ds_set *out,
               struct err *e) {
  struct sd *s = xcalloc(1, sizeof(*s));
  int rc, i;
  char seq[16];
  memset(out, 0, sizeof(*out));
  rc = store_protocol(src->db, &s->proto, e);
  if (rc != APP_OK) {
    goto out;
  }
  s->out = out;
  s->study_id = src->study_id;
  for (i = 0; i < SD_NDOM; i++) {
    ds_init(&out->d[i], &sd_defs[i]);
  }
  out->n = SD_NDOM;
  rc = frame_casebooks(src, sd_one, s, e);
  if (rc != APP_OK) {
    ds_set_free(out);
    goto out;
  }
  for (i = 0; i < SD_NDOM; i++) {
    struct ds *d = &out->d[i];
    ds_sort(d, sd_keys[i]);
    snprintf(seq, sizeof(seq), "%sSEQ", d->def->name);
    if (ds_col_index(d->def, seq) >= 0) {
      ds_number_seq(d, seq, "USUBJID");
    }
  }
  rc = APP_OK;
out:
  xfree(s);
  return rc;
}
