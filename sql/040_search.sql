-- Semantic and full-text product search.
SET LOCAL ROLE zava_owner;

-- Which model produced the stored vectors, so `zava embed` knows when to rebuild them.
CREATE TABLE IF NOT EXISTS retail.embedding_models (
    table_name  text PRIMARY KEY,
    model_name  text NOT NULL,
    dimension   int NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE retail.embedding_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE retail.embedding_models FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS read_all ON retail.embedding_models;
CREATE POLICY read_all ON retail.embedding_models FOR SELECT USING (true);
GRANT SELECT ON retail.embedding_models TO zava_analyst;

-- A hash of the embedded text ("name. description" and the model): unchanged products are skipped.
ALTER TABLE retail.product_description_embeddings ADD COLUMN IF NOT EXISTS source_hash text;

-- Approximate nearest neighbours by cosine distance (the sample's similarity).
CREATE INDEX IF NOT EXISTS product_description_embeddings_hnsw
    ON retail.product_description_embeddings USING hnsw (description_embedding vector_cosine_ops);

-- Full text over what a person might type: SKU, name, description.
CREATE INDEX IF NOT EXISTS products_search_idx ON retail.products USING gin (
    to_tsvector('english', coalesce(sku, '') || ' ' || coalesce(product_name, '') || ' ' || product_description));
