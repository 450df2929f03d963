"""Loading an OpenCLIP model from its directory and turning photos and words into vectors.

All models load through open_clip's ``local-dir:`` path, so the app never reaches for the
network at load time. Vectors come out L2-normalised float32, so a dot product is cosine.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from photosearch.core import memory
from photosearch.core.errors import ModelError
from photosearch.core.model import devices, models, phrase_speed, phrase_tower, precision
from photosearch.core.model.model_input import ArrayPreprocess, Preprocess

log = logging.getLogger(__name__)

TEXT_CACHE_SIZE = 256


def default_threads() -> int:
    return max(1, os.cpu_count() or 1)


class Encoder:
    """One loaded CLIP model: batched image encoding and cached text encoding."""

    def __init__(
        self,
        key: str,
        directory: Path,
        threads: int = 0,
        precision_setting: str = "fp32",
        measure_text: bool = False,
        device_setting: str = "cpu",
        text_path: str | None = None,
    ) -> None:
        """``measure_text`` checks the numpy text tower against this model and, for the
        "auto" precision on the CPU, times every text path (``core/phrase_speed.py``);
        ``text_path`` is the one such a measurement found fastest before."""
        weights = models.weights_file(directory)
        if weights is None or not (directory / models.CONFIG_NAME).is_file():
            raise ModelError(f"{directory} holds no complete model (config and weights).")
        self.key = key
        self.directory = directory
        self.fingerprint = models.fingerprint(weights)
        torch.set_num_threads(threads or default_threads())
        memory.tune_allocator()
        model, preprocess, tokenizer = self._build()
        self.dim = int(model.text_projection.shape[1] if _has_proj(model) else _probe_dim(model))
        self._truncate_text = _truncatable(model)
        self.model = model
        self.tokenizer = tokenizer
        self.device = torch.device("cpu")  # float32 on the CPU until the checks are done
        self._text = _TextPath(model) if self._truncate_text else None
        self._tower: phrase_tower.TextTower | None = None
        """The numpy text tower, where it is this machine's fastest text path."""
        self._precision_setting = precision_setting
        self.device_choice = devices.choose(device_setting)
        self._text_choice = text_path
        self.text_tower_cosine: float | None = None
        """How close the numpy text tower comes to this model's, when asked to check."""
        self.text_trials: dict[str, phrase_speed.Trial] = {}
        """Every text path timed at this load (empty when none was)."""
        if measure_text:
            self._measure_text()
        self.fallback: str | None = None
        """Why a model that was on the GPU now runs on the CPU (None while all is well)."""
        self.precision = "fp32"
        self.text_precision = "fp32"
        self._dtype = torch.float32
        self._quantize_images = False
        if self.device_choice.gpu:
            self._use_half(torch.device(self.device_choice.name))
        else:
            self._use_cpu()
        log.info("model %s runs in %s, text in %s", key, self.precision, self.text_precision)
        self.preprocess: Preprocess = ArrayPreprocess.wrap(preprocess)  # type: ignore[arg-type]
        size = model.visual.image_size
        self.input_size = int(size[0] if isinstance(size, (tuple, list)) else size)
        self.images_encoded = 0
        # Forward passes run concurrently (a query never waits for an indexing batch); the
        # lock only guards the counter, the text cache and the one-time image quantisation.
        self._lock = threading.Lock()
        self._fallback_lock = threading.Lock()
        self._gpu_batch = devices.GPU_BATCH
        self._text_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def _build(self) -> tuple[torch.nn.Module, object, object]:
        """Model, preprocess and tokenizer from the directory, on the CPU in float32."""
        import open_clip

        try:
            with _no_random_init():
                model, _, preprocess = open_clip.create_model_and_transforms(
                    f"local-dir:{self.directory}"
                )
            tokenizer = open_clip.get_tokenizer(f"local-dir:{self.directory}")
        except (RuntimeError, ValueError, OSError, KeyError, ImportError) as exc:
            raise ModelError(f"The model in {self.directory} could not be loaded: {exc}") from exc
        model.eval()
        return model, preprocess, tokenizer

    def _use_cpu(self) -> None:
        """The CPU's number format: bf16 where native, else int8 where torch has it.

        A standard text tower gets its own: with "auto", the path measured fastest for one
        phrase (which may be int8 or numpy beside bf16 photos), else the photos' format.
        """
        chosen = precision.choose(self._precision_setting)
        if self._text is None:
            if chosen == "bf16":
                self.model.to(torch.bfloat16)
            self.text_precision = chosen
        else:
            if chosen == "bf16":
                self.model.visual.to(torch.bfloat16)
            text = chosen
            if self._precision_setting == "auto":
                text = self._text_choice or phrase_speed.fastest(self.text_trials) or chosen
            self.text_precision = self._use_text_path(text)
        self.precision = chosen
        self._dtype = torch.bfloat16 if chosen == "bf16" else torch.float32
        # The image tower is quantised when the first photo is encoded: a text search
        # (the CLI's, or the app's first) never waits for it.
        self._quantize_images = chosen == "int8"

    def _use_text_path(self, path: str) -> str:
        """Put the text tower in ``path``'s format; the format it really got."""
        assert self._text is not None
        if path == "numpy" and phrase_tower.supports(self.directory):
            self._tower = self._tower or phrase_tower.TextTower(self.directory)
            return path
        if path == "bf16":
            self._text.to(torch.bfloat16)
            return path
        if path == "int8" and precision.quantize(self._text.transformer):
            return path
        return "fp32"

    def _use_half(self, device: torch.device) -> None:
        """float16 on ``device`` (a GPU; the CPU too, in tests of the GPU's numbers)."""
        self.device = device
        self.model.to(device=device, dtype=torch.float16)
        if self._text is not None:
            self._text.to(device=device, dtype=torch.float16)  # its own copy of the mask
        self.precision = self.text_precision = "fp16"
        self._dtype = torch.float16

    def _fall_back_to_cpu(self, exc: BaseException) -> None:
        """After a GPU failure: the model again, from its file, on the CPU (never a crash)."""
        with self._fallback_lock:
            if self.device.type == "cpu":
                return  # another thread got here first
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc)
            log.warning("the %s failed (%s); going on with the CPU", self.device.type, first_line)
            self.fallback = f"the GPU failed ({first_line}); running on the CPU instead"
            model, _, _ = self._build()
            self.model = model
            self._text = _TextPath(model) if self._truncate_text else None
            self.device = torch.device("cpu")
            self._use_cpu()
            if self.device_choice.name == "cuda":
                with contextlib.suppress(RuntimeError):
                    torch.cuda.empty_cache()

    @property
    def batch_size(self) -> int | None:
        """Photos per batch this device wants (None: the settings' choice, on the CPU)."""
        return self._gpu_batch if self.device.type != "cpu" else None

    @property
    def name(self) -> str:
        return self.key

    def encode_images(self, pixels: torch.Tensor) -> np.ndarray:
        """Vectors for a batch of preprocessed images (N×3×S×S).

        On a GPU, running out of memory halves the batch (and later batches), and any
        other failure there moves the model to the CPU (where a real bug fails again, and
        is raised); the batch is encoded either way, so no half-written batch is left.
        """
        try:
            return self._encode_images(pixels)
        except RuntimeError as exc:
            if self.device.type == "cpu":
                raise
            if isinstance(exc, torch.cuda.OutOfMemoryError) and len(pixels) > 1:
                half = len(pixels) // 2
                self._gpu_batch = max(1, min(self._gpu_batch, half))
                log.info("GPU out of memory; batches of %d from now on", self._gpu_batch)
                with contextlib.suppress(RuntimeError):
                    torch.cuda.empty_cache()
                return np.concatenate(
                    [self.encode_images(pixels[:half]), self.encode_images(pixels[half:])]
                )
            self._fall_back_to_cpu(exc)
            return self._encode_images(pixels)

    def _encode_images(self, pixels: torch.Tensor) -> np.ndarray:
        self.prepare_images()
        if self.device.type == "cuda":
            pixels = pixels.pin_memory()  # lets the copy to the GPU run asynchronously
        pixels = pixels.to(self.device, self._dtype, non_blocking=True)
        with torch.inference_mode():
            # normalised in float32: a float16 norm is off by ~1e-3
            features = torch.nn.functional.normalize(
                self.model.encode_image(pixels).float(), dim=-1
            )
        with self._lock:
            self.images_encoded += int(pixels.shape[0])
        return features.cpu().numpy()  # float32 already: normalised in float32 above

    def prepare_images(self) -> None:
        """Quantise the image tower now if it still waits for its first photo."""
        if self._quantize_images:
            with self._lock:
                if self._quantize_images and not precision.quantize(self.model.visual):
                    self.precision = "fp32"
                self._quantize_images = False

    def _encode_tokens(self, tokens: torch.Tensor) -> torch.Tensor:
        if self._text is None:
            return torch.nn.functional.normalize(self.model.encode_text(tokens).float(), dim=-1)
        return self._text(tokens)

    def _measure_text(self) -> None:
        """Check the numpy tower against this model and, for "auto" on the CPU, time every
        text path this machine has. Runs before any format change: the reference is fp32."""
        time_paths = (
            self._text is not None
            and not self.device_choice.gpu
            and self._precision_setting == "auto"
        )
        if not time_paths and not phrase_tower.supports(self.directory):
            return  # nothing to check or time
        phrases = phrase_speed.PHRASES + phrase_tower.PROBES
        reference = {phrase: self._torch_text(phrase) for phrase in phrases}
        paths: dict[str, object] = {}
        if phrase_tower.supports(self.directory):
            try:
                tower = phrase_tower.TextTower(self.directory)
                self.text_tower_cosine = min(
                    float(tower.encode_text(phrase) @ reference[phrase])
                    for phrase in phrase_tower.PROBES
                )
            except (OSError, ValueError, KeyError, ImportError) as exc:
                log.warning("numpy text tower unusable for %s: %s", self.key, exc)
            else:
                if self.text_tower_cosine >= phrase_tower.MIN_COSINE:
                    self._tower = tower
                    paths["numpy"] = tower.encode_text
        if not time_paths:
            return
        assert self._text is not None
        paths["fp32"] = self._text
        if precision.native_bf16():
            paths["bf16"] = copy.deepcopy(self._text).to(torch.bfloat16)
        if precision.int8_available():
            quantised = copy.deepcopy(self._text)
            if precision.quantize(quantised.transformer):
                paths["int8"] = quantised
        self.text_trials = phrase_speed.measure(
            {name: self._phrase_encoder(path) for name, path in paths.items()}, reference
        )
        log.info(
            "text paths for %s: %s",
            self.key,
            ", ".join(f"{name} {t.ms:.1f} ms" for name, t in self.text_trials.items()),
        )

    def _phrase_encoder(self, path: object) -> Callable[[str], np.ndarray]:
        if isinstance(path, _TextPath):

            def encode(phrase: str) -> np.ndarray:
                with torch.inference_mode():
                    return path(self.tokenizer([phrase]))[0].numpy()

            return encode
        return path  # type: ignore[return-value]

    def _torch_text(self, text: str) -> np.ndarray:
        try:
            return self._text_on_device(text)
        except RuntimeError as exc:
            if self.device.type == "cpu":
                raise
            self._fall_back_to_cpu(exc)
            return self._text_on_device(text)

    def _text_on_device(self, text: str) -> np.ndarray:
        with torch.inference_mode():
            tokens = self.tokenizer([text]).to(self.device)
            return self._encode_tokens(tokens)[0].float().cpu().numpy()

    def encode_text(self, text: str) -> np.ndarray:
        """The vector for one phrase, from a small LRU cache when typed before."""
        with self._lock:
            cached = self._text_cache.get(text)
            if cached is not None:
                self._text_cache.move_to_end(text)
                return cached
        tower = self._tower if self.text_precision == "numpy" else None
        vector = tower.encode_text(text) if tower is not None else self._torch_text(text)
        with self._lock:
            self._text_cache[text] = vector
            if len(self._text_cache) > TEXT_CACHE_SIZE:
                self._text_cache.popitem(last=False)
        return vector


class _TextPath(torch.nn.Module):
    """A standard CLIP model's text parts (shared with it), run only up to the end token.

    The CLIP text transformer is causal and pools at the end-of-text token, so the padding
    after it (most of the 77 positions) cannot change the result: skipping it gives the
    same vector several times faster. Apart from the image tower, the text parts can take
    their own number format.
    """

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.token_embedding = model.token_embedding
        self.positional_embedding = model.positional_embedding
        self.transformer = model.transformer
        self.ln_final = model.ln_final
        self.text_projection = model.text_projection
        self.register_buffer("attn_mask", model.attn_mask, persistent=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        from open_clip.transformer import text_global_pool

        length = int(tokens.argmax(dim=-1).max()) + 1
        tokens = tokens[:, :length]
        cast = self.token_embedding.weight.dtype
        x = self.token_embedding(tokens).to(cast) + self.positional_embedding[:length].to(cast)
        x = self.transformer(x, attn_mask=self.attn_mask[:length, :length].to(cast))
        x = text_global_pool(self.ln_final(x), tokens, "argmax")
        if isinstance(self.text_projection, torch.nn.Linear):
            x = self.text_projection(x)
        elif self.text_projection is not None:
            x = x @ self.text_projection.to(x.dtype)
        return torch.nn.functional.normalize(x.float(), dim=-1)


@contextmanager
def _no_random_init() -> Iterator[None]:
    """Skip the random initialisation of weights that the checkpoint overwrites anyway.

    open_clip loads the checkpoint strictly (every parameter must be in it), so nothing
    is left uninitialised; ViT-B-32 then loads in 0.1 s instead of 1.25 s. Some torch
    modules import the init functions by name, so their copies are replaced too.
    """
    import torch.nn.modules.activation
    import torch.nn.modules.transformer

    names = (
        "uniform_",
        "normal_",
        "trunc_normal_",
        "kaiming_uniform_",
        "xavier_uniform_",
        "xavier_normal_",
        "kaiming_normal_",
        "constant_",
        "zeros_",
        "ones_",
        "orthogonal_",
    )
    users = (torch.nn.init, torch.nn.modules.activation, torch.nn.modules.transformer)
    saved = [
        (user, name, getattr(user, name)) for user in users for name in names if hasattr(user, name)
    ]
    try:
        for user, name, _ in saved:
            setattr(user, name, _keep)
        yield
    finally:
        for user, name, function in saved:
            setattr(user, name, function)


def _keep(tensor: torch.Tensor, *_: object, **__: object) -> torch.Tensor:
    return tensor


def _truncatable(model: torch.nn.Module) -> bool:
    """A standard CLIP text tower: causal mask and pooling at the end-of-text token."""
    import open_clip

    return (
        isinstance(model, open_clip.CLIP)
        and getattr(model, "text_pool_type", None) == "argmax"
        and isinstance(getattr(model, "attn_mask", None), torch.Tensor)
    )


def _has_proj(model: torch.nn.Module) -> bool:
    proj = getattr(model, "text_projection", None)
    return isinstance(proj, torch.Tensor) and proj.ndim == 2


def _probe_dim(model: torch.nn.Module) -> int:
    with torch.inference_mode():
        size = model.visual.image_size  # type: ignore[union-attr]
        side = int(size[0] if isinstance(size, (tuple, list)) else size)
        return int(model.encode_image(torch.zeros(1, 3, side, side)).shape[1])  # type: ignore[operator]
