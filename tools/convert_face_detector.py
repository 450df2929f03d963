"""Make the face gate's network: MediaPipe's full-range BlazeFace (Apache-2.0), taken
from a MediaPipe wheel and written as ONNX, so that onnxruntime (already here for the
words in photos) runs it and no TFLite runtime is shipped.

    pip download mediapipe==0.10.14 --no-deps -d /tmp/mp
    pip install tflite onnx ai-edge-litert
    python tools/convert_face_detector.py /tmp/mp/mediapipe-0.10.14-*.whl

Writes ``photosearch/assets/faces/face_detection_full_range.onnx`` and checks it against
LiteRT (Google's own runtime for the file) on real portraits and random inputs. The
model's weights are float16, most of them stored sparse (TFLite's DENSIFY op, which no
ONNX converter handles): they are made dense here, in float32. ``tflite``, ``onnx`` and
``ai-edge-litert`` are needed here only, never by the app. Newer MediaPipe wheels no
longer carry the model files (they download them): 0.10.14 does.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMBER = "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite"
OPSET = 17


class Converter:
    """TFLite's graph (NHWC) as an ONNX graph (NCHW inside, NHWC at its edges)."""

    def __init__(self, model: object) -> None:
        import tflite

        self.tfl = tflite
        self.model = model
        self.graph = model.Subgraphs(0)  # type: ignore[attr-defined]
        self.consts: dict[int, np.ndarray] = {}
        self.names: dict[int, str] = {}
        self.nodes: list[object] = []
        self.inits: list[object] = []
        self.codes = {
            getattr(tflite.BuiltinOperator, k): k
            for k in dir(tflite.BuiltinOperator)
            if not k.startswith("_")
        }

    # -- tensors ------------------------------------------------------------------------

    def shape(self, index: int) -> list[int]:
        return [int(v) for v in self.graph.Tensors(index).ShapeAsNumpy()]

    def buffer(self, index: int) -> np.ndarray | None:
        tensor = self.graph.Tensors(index)
        data = self.model.Buffers(tensor.Buffer()).DataAsNumpy()  # type: ignore[attr-defined]
        if isinstance(data, int) or data is None or len(data) == 0:
            return None
        types = {
            self.tfl.TensorType.FLOAT32: np.float32,
            self.tfl.TensorType.FLOAT16: np.float16,
            self.tfl.TensorType.INT32: np.int32,
            self.tfl.TensorType.INT64: np.int64,
        }
        values = np.frombuffer(data.tobytes(), types[tensor.Type()])
        if tensor.Sparsity() is not None:
            return values  # made dense by DENSIFY
        return values.reshape(self.shape(index))

    def const(self, index: int) -> np.ndarray:
        if index not in self.consts:
            value = self.buffer(index)
            if value is None:
                raise ValueError(f"tensor {index} is not a constant")
            self.consts[index] = value
        return self.consts[index]

    def is_const(self, index: int) -> bool:
        return index in self.consts or self.buffer(index) is not None

    def init(self, name: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: object) -> str:
        from onnx import helper

        self.nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    def densify(self, index: int) -> np.ndarray:
        """A sparse constant made dense: TFLite's CSR per innermost dimension."""
        tensor = self.graph.Tensors(index)
        sparsity = tensor.Sparsity()
        order = list(sparsity.TraversalOrderAsNumpy())
        if order != list(range(len(order))) or sparsity.BlockMapLength():
            raise ValueError("only row-major sparse tensors without blocks are handled")
        shape = self.shape(index)
        values = self.buffer(index)
        assert values is not None
        dense = np.zeros(int(np.prod(shape)), values.dtype)
        rows = 1
        for dim in range(len(shape)):
            meta = sparsity.DimMetadata(dim)
            if meta.Format() == self.tfl.DimensionType.DENSE:
                rows *= meta.DenseSize()
                continue
            if dim != len(shape) - 1:
                raise ValueError("only the innermost dimension may be sparse")
            segments = _index_vector(self.tfl, meta.ArraySegmentsType(), meta.ArraySegments())
            columns = _index_vector(self.tfl, meta.ArrayIndicesType(), meta.ArrayIndices())
            width = shape[-1]
            row_of = np.repeat(np.arange(rows), np.diff(segments))
            dense[row_of * width + columns] = values[: len(columns)]
            return dense.reshape(shape)
        return values.reshape(shape)

    # -- ops ----------------------------------------------------------------------------

    def options(self, op: object, kind: str) -> object:
        table = op.BuiltinOptions()  # type: ignore[attr-defined]
        options = getattr(self.tfl, kind)()
        options.Init(table.Bytes, table.Pos)
        return options

    def activation(self, name: str, fused: int, output: str) -> str:
        kinds = self.tfl.ActivationFunctionType
        if fused == kinds.NONE:
            return self.node("Identity", [name], output)
        if fused == kinds.RELU:
            return self.node("Relu", [name], output)
        if fused == kinds.RELU6:
            return self.node(
                "Clip",
                [
                    name,
                    self.init(output + "_lo", np.float32(0)),
                    self.init(output + "_hi", np.float32(6)),
                ],
                output,
            )
        raise ValueError(f"activation {fused} is not handled")

    def same_pads(self, size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
        out = -(-size // stride)
        total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
        return total // 2, total - total // 2

    def conv(self, op: object, depthwise: bool) -> None:
        inputs, out = list(op.InputsAsNumpy()), int(op.OutputsAsNumpy()[0])  # type: ignore[attr-defined]
        opts = self.options(op, "DepthwiseConv2DOptions" if depthwise else "Conv2DOptions")
        weight = self.const(inputs[1]).astype(np.float32)
        # depthwise [1, kh, kw, out] -> [out, 1, kh, kw]; else [out, kh, kw, in] -> [out, in, ...]
        weight = weight.transpose((3, 0, 1, 2) if depthwise else (0, 3, 1, 2))
        _, height, width, _ = self.shape(inputs[0])
        kh, kw = weight.shape[2:]
        sh, sw = opts.StrideH(), opts.StrideW()
        dh, dw = opts.DilationHFactor(), opts.DilationWFactor()
        if depthwise and opts.DepthMultiplier() != 1:
            raise ValueError("depthwise convolutions with a depth multiplier are not handled")
        if opts.Padding() == self.tfl.Padding.SAME:
            top, bottom = self.same_pads(height, kh, sh, dh)
            left, right = self.same_pads(width, kw, sw, dw)
        else:
            top = bottom = left = right = 0
        name = f"t{out}"
        args = [self.names[inputs[0]], self.init(name + "_w", weight)]
        if len(inputs) > 2 and inputs[2] >= 0:
            args.append(self.init(name + "_b", self.const(inputs[2]).astype(np.float32)))
        self.node(
            "Conv",
            args,
            name + "_conv",
            kernel_shape=[kh, kw],
            strides=[sh, sw],
            pads=[top, left, bottom, right],
            dilations=[dh, dw],
            group=weight.shape[0] if depthwise else 1,
        )
        self.names[out] = self.activation(name + "_conv", opts.FusedActivationFunction(), name)

    def convert_op(self, op: object) -> None:
        code_index = op.OpcodeIndex()  # type: ignore[attr-defined]
        opcode = self.model.OperatorCodes(code_index)  # type: ignore[attr-defined]
        kind = self.codes[max(opcode.BuiltinCode(), opcode.DeprecatedBuiltinCode())]
        inputs = [int(i) for i in op.InputsAsNumpy()]  # type: ignore[attr-defined]
        out = int(op.OutputsAsNumpy()[0])  # type: ignore[attr-defined]
        name = f"t{out}"
        if kind == "DENSIFY":
            self.consts[out] = self.densify(inputs[0])
        elif kind == "DEQUANTIZE":
            self.consts[out] = self.const(inputs[0]).astype(np.float32)
        elif kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            self.conv(op, kind == "DEPTHWISE_CONV_2D")
        elif kind == "PAD":
            pads = self.const(inputs[1]).astype(np.int64)  # NHWC [[before, after], ...]
            nchw = pads[[0, 3, 1, 2]]
            self.names[out] = self.node(
                "Pad", [self.names[inputs[0]], self.init(name + "_p", nchw.T.reshape(-1))], name
            )
        elif kind == "ADD":
            opts = self.options(op, "AddOptions")
            args = [self.names[i] for i in inputs]
            self.node("Add", args, name + "_add")
            self.names[out] = self.activation(name + "_add", opts.FusedActivationFunction(), name)
        elif kind == "RESIZE_BILINEAR":
            opts = self.options(op, "ResizeBilinearOptions")
            height, width = (int(v) for v in self.const(inputs[1]))
            channels = self.shape(inputs[0])[3]
            mode = (
                "align_corners"
                if opts.AlignCorners()
                else "half_pixel"
                if opts.HalfPixelCenters()
                else "asymmetric"
            )
            sizes = np.array([1, channels, height, width], np.int64)
            self.names[out] = self.node(
                "Resize",
                [self.names[inputs[0]], "", "", self.init(name + "_s", sizes)],
                name,
                mode="linear",
                coordinate_transformation_mode=mode,
            )
        elif kind == "DEPTH_TO_SPACE":
            opts = self.options(op, "DepthToSpaceOptions")
            self.names[out] = self.node(
                "DepthToSpace",
                [self.names[inputs[0]]],
                name,
                blocksize=opts.BlockSize(),
                mode="DCR",
            )
        elif kind == "RESHAPE":
            nhwc = self.node(
                "Transpose", [self.names[inputs[0]]], name + "_nhwc", perm=[0, 2, 3, 1]
            )
            target = np.array(self.shape(out), np.int64)
            self.names[out] = self.node("Reshape", [nhwc, self.init(name + "_s", target)], name)
        else:
            raise ValueError(f"TFLite op {kind} is not handled")

    def convert(self) -> object:
        from onnx import TensorProto, helper

        (source,) = [int(i) for i in self.graph.InputsAsNumpy()]
        shape = self.shape(source)
        self.names[source] = self.node("Transpose", ["image"], "image_nchw", perm=[0, 3, 1, 2])
        for i in range(self.graph.OperatorsLength()):
            self.convert_op(self.graph.Operators(i))
        outputs = []
        for label, index in zip(("boxes", "scores"), self.graph.OutputsAsNumpy(), strict=True):
            self.node("Identity", [self.names[int(index)]], label)
            outputs.append(
                helper.make_tensor_value_info(label, TensorProto.FLOAT, self.shape(int(index)))
            )
        graph = helper.make_graph(
            self.nodes,
            "blazeface_full_range",
            [helper.make_tensor_value_info("image", TensorProto.FLOAT, shape)],
            outputs,
            self.inits,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
        model.producer_name = "photosearch tools/convert_face_detector.py"
        return model


def _index_vector(tfl: object, kind: int, table: object) -> np.ndarray:
    vectors = {
        tfl.SparseIndexVector.Int32Vector: tfl.Int32Vector,  # type: ignore[attr-defined]
        tfl.SparseIndexVector.Uint16Vector: tfl.Uint16Vector,  # type: ignore[attr-defined]
        tfl.SparseIndexVector.Uint8Vector: tfl.Uint8Vector,  # type: ignore[attr-defined]
    }
    vector = vectors[kind]()
    vector.Init(table.Bytes, table.Pos)  # type: ignore[attr-defined]
    return vector.ValuesAsNumpy().astype(np.int64)


def check(tflite_bytes: bytes, onnx_path: Path) -> None:
    """Both runtimes on real portraits and random inputs: the largest difference."""
    import onnxruntime
    from ai_edge_litert.interpreter import Interpreter
    from PIL import Image

    from photosearch.core.media.face_gate import INPUT_SIDE, model_input

    interpreter = Interpreter(model_content=tflite_bytes)
    interpreter.allocate_tensors()
    into = interpreter.get_input_details()[0]["index"]
    outs = [d["index"] for d in interpreter.get_output_details()]
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    inputs = [
        model_input(Image.open(p).convert("RGB"))[0]
        for p in sorted((ROOT / "tests" / "faces").glob("*.jpg"))
    ]
    rng = np.random.default_rng(0)
    inputs += [
        rng.uniform(-1, 1, (1, INPUT_SIDE, INPUT_SIDE, 3)).astype(np.float32) for _ in range(3)
    ]
    worst = 0.0
    for x in inputs:
        interpreter.set_tensor(into, x)
        interpreter.invoke()
        expected = [interpreter.get_tensor(i) for i in outs]
        got = session.run(None, {"image": x})
        for e, g in zip(
            sorted(expected, key=lambda a: a.shape[-1]),
            sorted(got, key=lambda a: a.shape[-1]),
            strict=True,
        ):
            worst = max(worst, float(np.abs(e - g).max() / (np.abs(e).max() + 1e-6)))
    print(f"ONNX against LiteRT on {len(inputs)} inputs: largest difference {worst:.2e} (relative)")
    if worst > 1e-3:
        raise SystemExit("the converted network does not match the original")


def main() -> None:
    import onnx
    import tflite

    from photosearch.core.media.face_gate import DETECTOR

    parser = argparse.ArgumentParser()
    parser.add_argument("wheel", type=Path, help="a MediaPipe 0.10.x wheel (or the .tflite)")
    args = parser.parse_args()
    if args.wheel.suffix == ".tflite":
        data = args.wheel.read_bytes()
    else:
        with zipfile.ZipFile(args.wheel) as wheel:
            data = wheel.read(MEMBER)
    model = Converter(tflite.Model.GetRootAsModel(data, 0)).convert()
    onnx.checker.check_model(model)  # type: ignore[arg-type]
    DETECTOR.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(DETECTOR))  # type: ignore[arg-type]
    print(f"wrote {DETECTOR.relative_to(ROOT)} ({DETECTOR.stat().st_size / 1e6:.1f} MB)")
    check(data, DETECTOR)


if __name__ == "__main__":
    main()
