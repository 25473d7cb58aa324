"""PostgreSQL search engine standing in for CKAN's Solr connection."""
