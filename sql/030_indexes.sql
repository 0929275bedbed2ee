-- Indexes for the analytic patterns: per-store filters (RLS), per-customer lookups, date ranges,
-- product joins, and full-text search over the catalogue.
SET LOCAL ROLE zava_owner;

CREATE INDEX IF NOT EXISTS orders_store_date_idx      ON retail.orders (store_id, order_date);
CREATE INDEX IF NOT EXISTS orders_customer_store_idx  ON retail.orders (customer_id, store_id);
CREATE INDEX IF NOT EXISTS orders_date_idx            ON retail.orders (order_date);
CREATE INDEX IF NOT EXISTS order_items_order_idx      ON retail.order_items (order_id);
CREATE INDEX IF NOT EXISTS order_items_store_product_idx ON retail.order_items (store_id, product_id);
CREATE INDEX IF NOT EXISTS order_items_product_idx    ON retail.order_items (product_id);
CREATE INDEX IF NOT EXISTS customers_primary_store_idx ON retail.customers (primary_store_id);
CREATE INDEX IF NOT EXISTS inventory_product_idx      ON retail.inventory (product_id);
CREATE INDEX IF NOT EXISTS products_category_idx      ON retail.products (category_id);
CREATE INDEX IF NOT EXISTS products_type_idx          ON retail.products (type_id);
CREATE INDEX IF NOT EXISTS product_types_category_idx ON retail.product_types (category_id);
