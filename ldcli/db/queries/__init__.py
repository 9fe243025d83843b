"""Each area's statements that are more than a plain Core query (set-wise checks over a staging
table, engine-specific paths), kept out of the services so that no service writes SQL or asks
which engine it runs on."""
