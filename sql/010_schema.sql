-- The retail schema, names and types as in the public Zava sample (seed-facts); owned by zava_owner.
SET LOCAL ROLE zava_owner;

CREATE SCHEMA IF NOT EXISTS retail;

CREATE TABLE IF NOT EXISTS retail.stores (
    store_id    serial PRIMARY KEY,
    store_name  text UNIQUE NOT NULL,
    rls_user_id uuid NOT NULL UNIQUE,
    is_online   boolean NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS retail.customers (
    customer_id      serial PRIMARY KEY,
    first_name       text,
    last_name        text,
    email            text UNIQUE,
    phone            text,
    primary_store_id int REFERENCES retail.stores (store_id),
    created_at       timestamp DEFAULT now()
);

CREATE TABLE IF NOT EXISTS retail.categories (
    category_id   serial PRIMARY KEY,
    category_name text UNIQUE NOT NULL
);

CREATE TABLE IF NOT EXISTS retail.product_types (
    type_id     serial PRIMARY KEY,
    category_id int NOT NULL REFERENCES retail.categories (category_id),
    type_name   text NOT NULL,
    UNIQUE (category_id, type_name)
);

CREATE TABLE IF NOT EXISTS retail.products (
    product_id           serial PRIMARY KEY,
    sku                  text UNIQUE,
    product_name         text,
    category_id          int REFERENCES retail.categories (category_id),
    type_id              int REFERENCES retail.product_types (type_id),
    cost                 numeric(10,2),
    base_price           numeric(10,2),
    gross_margin_percent numeric(5,2) DEFAULT 33.00,
    product_description  text NOT NULL
);

CREATE TABLE IF NOT EXISTS retail.inventory (
    store_id    int REFERENCES retail.stores (store_id),
    product_id  int REFERENCES retail.products (product_id),
    stock_level int,
    PRIMARY KEY (store_id, product_id)
);

CREATE TABLE IF NOT EXISTS retail.orders (
    order_id    serial PRIMARY KEY,
    customer_id int REFERENCES retail.customers (customer_id),
    store_id    int REFERENCES retail.stores (store_id),
    order_date  date
);

CREATE TABLE IF NOT EXISTS retail.order_items (
    order_item_id    serial PRIMARY KEY,
    order_id         int REFERENCES retail.orders (order_id),
    store_id         int REFERENCES retail.stores (store_id),
    product_id       int REFERENCES retail.products (product_id),
    quantity         int,
    unit_price       numeric(10,2),
    discount_percent int DEFAULT 0,
    discount_amount  numeric(10,2) DEFAULT 0,
    total_amount     numeric(10,2)
);

-- The local model (all-MiniLM-L6-v2) gives 384 dimensions; `zava embed` rebuilds the column
-- when the configured model's dimension differs (recorded in retail.embedding_models).
CREATE TABLE IF NOT EXISTS retail.product_description_embeddings (
    product_id            int PRIMARY KEY REFERENCES retail.products (product_id),
    description_embedding vector(384),
    created_at            timestamp DEFAULT now()
);

CREATE TABLE IF NOT EXISTS retail.product_image_embeddings (
    product_id      int PRIMARY KEY REFERENCES retail.products (product_id),
    image_url       text,
    image_embedding vector(512),
    created_at      timestamp DEFAULT now()
);
