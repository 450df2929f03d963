"""PyInstaller runtime hook: keep the frozen app off the network once its model is on disk.

PhotoSearch downloads models itself, and only when the user asks. Libraries under it
(open_clip's Hugging Face tokenizers, for models that use one) would otherwise try the
hub on every start; with the active model present there is nothing to fetch.
"""

import contextlib
import os


def _model_present() -> bool:
    from photosearch.core.model import models
    from photosearch.core.settings import AppPaths, Settings

    paths = AppPaths.resolve()
    key = Settings.load(paths.settings_path).model
    directory = models.model_dir(key, paths.models_dir)
    return directory.is_dir() and models.weights_file(directory) is not None


# A hint only: when the check itself fails, the app starts and reports real problems.
with contextlib.suppress(Exception):
    if _model_present() and "HF_HUB_OFFLINE" not in os.environ:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # set by the app, not the user: a download the user asks for may still go out
        os.environ["PHOTOSEARCH_OFFLINE_BY_APP"] = "1"
