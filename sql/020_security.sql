-- Row-level security: the one place that decides who sees which store's rows.
--
-- The identity is the transaction-local setting `zava.rls_user_id`, set by the data layer
-- (SET LOCAL) at the start of every request's read-only transaction. The all-zero UUID is head
-- office and sees every store; an unset, empty or unknown identity matches no store, so it
-- sees no store-owned rows (fail closed). Text comparison keeps a malformed value from
-- raising a cast error: it simply matches nothing.
-- The function bodies name pg_catalog explicitly: SQL function bodies are resolved at run time
-- with the caller's search_path, so an unqualified name could be shadowed by a role that can
-- create objects somewhere (the analyst cannot; `zava doctor` checks that too).
SET LOCAL ROLE zava_owner;

CREATE OR REPLACE FUNCTION retail.is_head_office() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(pg_catalog.current_setting('zava.rls_user_id', true)
                              OPERATOR(pg_catalog.=) '00000000-0000-0000-0000-000000000000', false) $$;

CREATE OR REPLACE FUNCTION retail.current_store_id() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT s.store_id FROM retail.stores s
          WHERE s.rls_user_id::pg_catalog.text OPERATOR(pg_catalog.=) pg_catalog.current_setting('zava.rls_user_id', true) $$;

-- Enabled AND forced: the table owner is held to the policies too (it keeps BYPASSRLS
-- for loading data, which is a role attribute, not a table owner's privilege).
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['stores','customers','categories','product_types','products',
                             'inventory','orders','order_items',
                             'product_description_embeddings','product_image_embeddings']
    LOOP
        EXECUTE format('ALTER TABLE retail.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE retail.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;

-- Reference data: readable by every identity.
DROP POLICY IF EXISTS read_all ON retail.stores;
CREATE POLICY read_all ON retail.stores FOR SELECT USING (true);
DROP POLICY IF EXISTS read_all ON retail.categories;
CREATE POLICY read_all ON retail.categories FOR SELECT USING (true);
DROP POLICY IF EXISTS read_all ON retail.product_types;
CREATE POLICY read_all ON retail.product_types FOR SELECT USING (true);
DROP POLICY IF EXISTS read_all ON retail.products;
CREATE POLICY read_all ON retail.products FOR SELECT USING (true);
DROP POLICY IF EXISTS read_all ON retail.product_description_embeddings;
CREATE POLICY read_all ON retail.product_description_embeddings FOR SELECT USING (true);
DROP POLICY IF EXISTS read_all ON retail.product_image_embeddings;
CREATE POLICY read_all ON retail.product_image_embeddings FOR SELECT USING (true);

-- Store-owned data: only the identity's own store, or everything for head office.
-- (SELECT f()) makes each function an init plan, evaluated once per query, not once per row.
DROP POLICY IF EXISTS store_rows ON retail.orders;
CREATE POLICY store_rows ON retail.orders FOR SELECT
    USING ((SELECT retail.is_head_office()) OR store_id = (SELECT retail.current_store_id()));
DROP POLICY IF EXISTS store_rows ON retail.order_items;
CREATE POLICY store_rows ON retail.order_items FOR SELECT
    USING ((SELECT retail.is_head_office()) OR store_id = (SELECT retail.current_store_id()));
DROP POLICY IF EXISTS store_rows ON retail.inventory;
CREATE POLICY store_rows ON retail.inventory FOR SELECT
    USING ((SELECT retail.is_head_office()) OR store_id = (SELECT retail.current_store_id()));
-- A customer belongs to a store through their primary store or any order placed there.
DROP POLICY IF EXISTS store_rows ON retail.customers;
CREATE POLICY store_rows ON retail.customers FOR SELECT
    USING ((SELECT retail.is_head_office())
           OR primary_store_id = (SELECT retail.current_store_id())
           OR EXISTS (SELECT 1 FROM retail.orders o
                      WHERE o.customer_id = customers.customer_id
                        AND o.store_id = (SELECT retail.current_store_id())));

-- The analyst reads, and only reads.
GRANT USAGE ON SCHEMA retail TO zava_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA retail TO zava_analyst;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA retail FROM zava_analyst;
GRANT EXECUTE ON FUNCTION retail.is_head_office(), retail.current_store_id() TO zava_analyst;
-- No default privileges: a table the owner adds later (`CREATE TABLE retail.x AS SELECT * FROM
-- retail.orders`) is not readable by the analyst until someone grants it, with RLS in place.
ALTER DEFAULT PRIVILEGES IN SCHEMA retail REVOKE SELECT ON TABLES FROM zava_analyst;

-- Plain EXPLAIN shows the planner's estimates, which for a leakproof comparison (`email < 'b'`)
-- come from the column's histogram and most-common values: real values sampled from every
-- store. Customers' personal columns keep no statistics, so estimates reveal none of them.
ALTER TABLE retail.customers ALTER COLUMN first_name SET STATISTICS 0,
                             ALTER COLUMN last_name SET STATISTICS 0,
                             ALTER COLUMN email SET STATISTICS 0,
                             ALTER COLUMN phone SET STATISTICS 0;
-- ANALYZE keeps what it gathered before; PostgreSQL 18 lets the owner clear it.
DO $$
DECLARE c text;
BEGIN
    IF to_regprocedure('pg_catalog.pg_clear_attribute_stats(text, text, text, boolean)') IS NOT NULL THEN
        FOREACH c IN ARRAY ARRAY['first_name', 'last_name', 'email', 'phone'] LOOP
            PERFORM pg_catalog.pg_clear_attribute_stats('retail', 'customers', c, false);
        END LOOP;
    END IF;
END
$$;
