-- The size in bytes of an issued document's PDF, measured when it is issued (its seal signed once,
-- every render of it gives the same bytes): the links of a request's page state it without drawing
-- the document again. Null on documents issued before: their size is measured on first view.
alter table issued_documents add column pdf_bytes integer;
