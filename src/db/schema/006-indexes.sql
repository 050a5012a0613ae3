-- 006-indexes.sql: indexes for the write path (every save voids the
-- patient's signatures and re-reads its open queries).

CREATE INDEX signature_by_patient ON signature(patient_id, is_void);
CREATE INDEX query_by_patient_check ON query(patient_id, check_id);
