"""Entry point: `python run.py` serves the app; `flask --app run ...` runs its commands."""

import gc
import os

from app import create_app

app = create_app()

# Issue #21: the started app's objects (FAB's views and forms, the mappers, the translations:
# some 330,000) go to the collector's permanent generation. A worker's full collection then
# walks only what requests left behind: ~1 ms instead of ~110 ms, once every few thousand
# requests, in the middle of someone's page (bench/RESULTS.md).
gc.collect()
gc.freeze()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
