// external/ door: DuckDB-backed external data (Parquet, later Safetensors and Zarr).
// Stands alone: imports nothing else from the project. Not built yet (issue 5).
export {};
