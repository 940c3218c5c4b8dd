-- MLflow's tracking store, in the same PostgreSQL as the app's metadata.
CREATE DATABASE mlflow OWNER forecast;
