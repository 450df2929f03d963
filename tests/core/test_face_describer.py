"""dlib's face descriptor network, read from its model file and run by torch, gives
dlib's own numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosearch.core.media import faces
from photosearch.core.media.face_describer import CHIP, FaceDescriber, ModelFileError, read_layers
from tests.people import BIDEN, FACES, OBAMA, versions

pytestmark = pytest.mark.skipif(not faces.available(), reason="the face models are not installed")


def test_the_descriptors_are_dlibs_own() -> None:
    import dlib

    directory = faces.model_dir()
    assert directory is not None
    detect = dlib.get_frontal_face_detector()
    landmarks = dlib.shape_predictor(str(directory / "shape_predictor_5_face_landmarks.dat"))
    model = directory / "dlib_face_recognition_resnet_model_v1.dat"
    dlibs = dlib.face_recognition_model_v1(str(model))
    ours = FaceDescriber(model)
    chips, expected = [], []
    for name in (*OBAMA, *BIDEN):
        for img in list(versions(Image.open(FACES / name).convert("RGB")).values())[:3]:
            pixels = np.asarray(img)
            for rect in detect(pixels, 0):
                shape = landmarks(pixels, rect)
                chips.append(dlib.get_face_chip(pixels, shape, size=CHIP, padding=0.25))
                expected.append(np.asarray(dlibs.compute_face_descriptor(pixels, shape)))
    assert len(chips) >= 12
    got = ours.describe(np.stack(chips))
    assert got.shape == (len(chips), 128) and got.dtype == np.float32
    assert np.abs(got - np.stack(expected)).max() < 1e-4
    one = ours.describe(np.stack(chips[:1]))  # alone or in a batch: the same
    assert np.abs(one[0] - got[0]).max() < 1e-5


def test_the_model_file_is_read_as_the_network_it_holds() -> None:
    directory = faces.model_dir()
    assert directory is not None
    layers, mean = read_layers(directory / "dlib_face_recognition_resnet_model_v1.dat")
    assert mean == pytest.approx((122.782, 117.001, 104.298), abs=1e-3)
    convolutions = [layer for layer in layers if hasattr(layer, "weight")]
    assert len(convolutions) == 29
    assert sum(isinstance(layer, str) and layer == "add" for layer in layers) == 14
    assert convolutions[0].weight.shape == (32, 3, 7, 7)
    assert layers[-1].shape == (256, 128)


def test_a_file_that_is_not_the_network_is_refused(tmp_path: Path) -> None:
    directory = faces.model_dir()
    assert directory is not None
    real = (directory / "dlib_face_recognition_resnet_model_v1.dat").read_bytes()
    other = tmp_path / "other.dat"
    for damaged in (
        b"\x01\x02not a network at all",
        real[: len(real) // 2],  # cut short
        real.replace(b"\x01\x05relu_", b"\x01\x05xelu_", 1),  # a layer it does not know
        real.replace(b"\x01\x04fc_2", b"\x01\x04fx_2"),  # no final layer
    ):
        other.write_bytes(damaged)
        with pytest.raises(ModelFileError):
            FaceDescriber(other)
