"""The product logic over Polars, Darts and the database; never imports Dash."""
