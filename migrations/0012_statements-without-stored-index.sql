-- since/until and the newest `stored` are found through statements_store_seq (src/xapi/statements/stored-order.ts).
DROP INDEX `statements_store_stored`;