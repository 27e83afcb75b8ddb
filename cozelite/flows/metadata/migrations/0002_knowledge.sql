-- The knowledge flows' own bookkeeping (cozelite/flows/knowledge.py, ingest.py), beside the
-- `knowledge_bases` and `documents` tables of 0001. Plain MySQL, translated like 0001.

-- How a document is indexed: its chunking options, the retrieval collection its chunks went to,
-- the number its chunk ids derive from (chunk id = chunk_base * 65536 + chunk index: deterministic,
-- so indexing again after a crash overwrites instead of duplicating) and the failed attempts so far.
CREATE TABLE IF NOT EXISTS knowledge_documents (
  document_id VARCHAR(64) NOT NULL,
  chunk_base BIGINT NOT NULL,
  chunk_size INT NOT NULL,
  chunk_overlap INT NOT NULL,
  collection VARCHAR(128) NOT NULL,
  attempts INT NOT NULL,
  PRIMARY KEY (document_id),
  UNIQUE KEY uk_knowledge_documents_base (chunk_base)
);
