#!/usr/bin/env python3
"""Build MediaPipe Pose Landmarker bundles (``.task``) from the npm package @mediapipe/pose.

Google's own bundles cannot be downloaded everywhere formcheck is developed, but the npm package
ships the same networks: ``pose_landmark_{lite,full,heavy}.tflite`` and, packed inside
``pose_solution_packed_assets.data``, ``pose_detection.tflite``. A bundle is those two models,
each with TFLite metadata that tells MediaPipe how to normalise the input image, stored
uncompressed and 4-byte aligned in a zip.

This is a developer tool: formcheck never downloads anything when it runs. Use its own venv:

    python3 -m venv /work/modelvenv        # any folder outside the repo
    /work/modelvenv/bin/pip install -r tools/requirements-models.txt
    /work/modelvenv/bin/python tools/build_models.py --out models/                   # lite, full
    /work/modelvenv/bin/python tools/build_models.py --variant heavy --out models/

It calls ``npm pack`` unless ``--package`` names an already fetched tarball or folder. The
output is deterministic (fixed zip timestamps), so a rebuild gives the same sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from pathlib import Path

NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
VARIANTS = ("lite", "full", "heavy")
PACKED_ASSETS = "pose_solution_packed_assets.data"
PACKED_ASSETS_LOADER = "pose_solution_packed_assets_loader.js"
DETECTOR_ASSET = "/third_party/mediapipe/modules/pose_detection/pose_detection.tflite"

# The files this script reads from the npm package; a different download is refused rather
# than silently bundled.
SOURCE_SHA256 = {
    "pose_landmark_lite.tflite": (
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
    ),
    "pose_landmark_full.tflite": (
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
    ),
    "pose_landmark_heavy.tflite": (
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
    ),
    PACKED_ASSETS: "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
}

# Google's published bundles (float16/1), for comparison only.
OFFICIAL_SHA256 = {
    "lite": "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a",
    "full": "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
    "heavy": "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b",
}

DETECTOR_NAME = "pose_detector.tflite"
LANDMARKS_NAME = "pose_landmarks_detector.tflite"
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)  # the zip epoch: rebuilds are byte-for-byte reproducible

# What the models expect, from MediaPipe's pose graphs: the detector takes [-1, 1], the
# landmark model [0, 1]. MediaPipe derives its image-to-tensor range from these numbers.
DETECTOR_NORM = (127.5, 127.5)
LANDMARKS_NORM = (0.0, 255.0)

DETECTOR_OUTPUTS = (
    ("regressors", "Box and 4 keypoints for each of 2254 anchors, undecoded (1, 2254, 12)."),
    ("classificators", "Person score logit for each of 2254 anchors (1, 2254, 1)."),
)
LANDMARKS_OUTPUTS = (
    ("landmarks", "33 + 6 landmarks x (x, y, z, visibility, presence) in input pixels (1, 195)."),
    ("pose_flag", "Probability that a pose is present in the crop (1, 1)."),
    ("segmentation", "Person segmentation logits (1, 256, 256, 1)."),
    ("heatmap", "Heatmaps that refine the 39 landmarks (1, 64, 64, 39)."),
    ("world_landmarks", "33 + 6 landmarks x (x, y, z) in metres, hip-centred (1, 117)."),
)


class BuildError(RuntimeError):
    """A build step failed; the message says which and why."""


# --- the npm package ------------------------------------------------------------------------


def fetch_package(workdir: Path) -> Path:
    """Run ``npm pack`` (a download from the npm registry) and return the tarball's path."""
    try:
        done = subprocess.run(
            ["npm", "pack", NPM_SPEC, "--pack-destination", str(workdir), "--silent"],
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as error:
        raise BuildError("npm is not installed; install Node.js or pass --package") from error
    except subprocess.CalledProcessError as error:
        raise BuildError(f"npm pack {NPM_SPEC} failed: {error.stderr.strip()}") from error
    return workdir / done.stdout.strip().splitlines()[-1]


def read_package(source: Path) -> dict[str, bytes]:
    """The files this script needs, from an npm tarball or an extracted ``package/`` folder."""
    wanted = [*SOURCE_SHA256, PACKED_ASSETS_LOADER]
    files: dict[str, bytes] = {}
    if source.is_dir():
        for name in wanted:
            path = source / name
            if path.is_file():
                files[name] = path.read_bytes()
    else:
        with tarfile.open(source) as tar:
            for name in wanted:
                try:
                    member = tar.extractfile(f"package/{name}")
                except KeyError:
                    continue
                if member is not None:
                    files[name] = member.read()
    missing = [name for name in wanted if name not in files]
    if missing:
        raise BuildError(f"{source} lacks {', '.join(missing)}; is it {NPM_SPEC}?")
    for name, expected in SOURCE_SHA256.items():
        actual = hashlib.sha256(files[name]).hexdigest()
        if actual != expected:
            raise BuildError(f"{name} in {source} has sha256 {actual}, expected {expected}")
    return files


def extract_detector(packed: bytes, loader_js: str) -> bytes:
    """Cut pose_detection.tflite out of the Emscripten asset pack, at the loader's offsets."""
    match = re.search(r"loadPackage\((\{.*?\})\)", loader_js, re.DOTALL)
    if match is None:
        raise BuildError(f"{PACKED_ASSETS_LOADER} has no loadPackage({{...}}) call")
    for entry in json.loads(match.group(1))["files"]:
        if entry["filename"] == DETECTOR_ASSET:
            return packed[entry["start"] : entry["end"]]
    raise BuildError(f"{PACKED_ASSETS} does not list {DETECTOR_ASSET}")


# --- metadata -------------------------------------------------------------------------------


def minimum_parser_version(metadata_buf: bytes) -> str:
    """Python port of MediaPipe's GetMinimumMetadataParserVersion (metadata_version.cc).

    The newest schema feature a metadata buffer uses decides which parser can read it.
    """
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb

    metadata = fb.ModelMetadataT.InitFromObj(fb.ModelMetadata.GetRootAsModelMetadata(metadata_buf))
    needed = [(1, 0, 0)]

    def files(associated: list | None) -> None:
        for file in associated or []:
            if file is None:
                continue
            if file.type == fb.AssociatedFileType.VOCABULARY:
                needed.append((1, 0, 1))
            if file.type == fb.AssociatedFileType.SCANN_INDEX_FILE:
                needed.append((1, 4, 0))
            if file.version is not None:
                needed.append((1, 4, 1))

    def units(process_units: list | None) -> None:
        for unit in process_units or []:
            if unit is None:
                continue
            if unit.optionsType in (
                fb.ProcessUnitOptions.BertTokenizerOptions,
                fb.ProcessUnitOptions.SentencePieceTokenizerOptions,
            ):
                needed.append((1, 1, 0))
            if unit.optionsType == fb.ProcessUnitOptions.RegexTokenizerOptions:
                needed.append((1, 2, 1))

    for subgraph in metadata.subgraphMetadata or []:
        tensors = (subgraph.inputTensorMetadata or []) + (subgraph.outputTensorMetadata or [])
        for tensor in filter(None, tensors):
            files(tensor.associatedFiles)
            units(tensor.processUnits)
            content = tensor.content
            if content and content.contentPropertiesType == fb.ContentProperties.AudioProperties:
                needed.append((1, 3, 0))
        files(subgraph.associatedFiles)
        # A present-but-empty vector counts, as in the C++ (it checks for nullptr).
        if subgraph.inputProcessUnits is not None:
            needed.append((1, 1, 0))
            units(subgraph.inputProcessUnits)
        if subgraph.outputProcessUnits is not None:
            needed.append((1, 1, 0))
            units(subgraph.outputProcessUnits)
        if subgraph.inputTensorGroups is not None or subgraph.outputTensorGroups is not None:
            needed.append((1, 2, 0))
        if subgraph.customMetadata is not None:
            needed.append((1, 5, 0))
    files(metadata.associatedFiles)
    return ".".join(str(part) for part in max(needed))


def provide_metadata_version_helper() -> None:
    """mediapipe's metadata writer imports a compiled helper that its wheel does not ship.

    The helper only answers "which parser version does this metadata need"; supply that answer
    from the Python port above, as a module in sys.modules, and leave the writer untouched.
    """
    helper = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        __import__(helper)
        return  # a wheel that has it: use the real one
    except ImportError:
        pass
    parent = None
    for name in ("mediapipe.tasks.cc", "mediapipe.tasks.cc.metadata", helper.rsplit(".", 1)[0]):
        module = sys.modules.get(name)
        if module is None:
            module = types.ModuleType(name)
            module.__path__ = []  # a package, so the next level can be imported from it
            sys.modules[name] = module
        if parent is not None:
            setattr(parent, name.rsplit(".", 1)[1], module)
        parent = module
    stub = types.ModuleType(helper)
    stub.GetMinimumMetadataParserVersion = lambda buf: minimum_parser_version(bytes(buf))
    sys.modules[helper] = stub
    parent._pywrap_metadata_version = stub


def with_metadata(
    model: bytes,
    name: str,
    description: str,
    norm: tuple[float, float],
    outputs: tuple[tuple[str, str], ...],
) -> bytes:
    """The model with TFLite metadata: RGB image input with normalisation, named outputs."""
    provide_metadata_version_helper()
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    mean, std = norm
    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info(name, description)
    writer.add_image_input(
        norm_mean=[mean],
        norm_std=[std],
        description=f"RGB image, scaled to the model's input range as (pixel - {mean}) / {std}.",
    )
    for output_name, output_description in outputs:
        writer.add_feature_output(name=output_name, description=output_description)
    populated, _ = writer.populate()
    del writer  # its __del__ cleans a temp folder; at interpreter exit that fails noisily
    return bytes(populated)


def check_graph_unchanged(original: bytes, populated: bytes) -> None:
    """Writing metadata must leave the network alone: same tensors, operators and weights."""
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as schema

    def repack(buf: bytes, drop_metadata: bool) -> bytes:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))
        if drop_metadata:
            entry = model.metadata.pop()
            if entry.name != b"TFLITE_METADATA" or entry.buffer != len(model.buffers) - 1:
                raise BuildError("metadata was not appended where expected")
            model.buffers.pop()
        builder = flatbuffers.Builder(0)
        builder.Finish(model.Pack(builder), b"TFL3")
        return bytes(builder.Output())

    if repack(original, drop_metadata=False) != repack(populated, drop_metadata=True):
        raise BuildError("writing metadata changed the model graph or weights")


# --- the bundle -----------------------------------------------------------------------------


def bundle_bytes(detector: bytes, landmarks: bytes) -> bytes:
    """A stored (uncompressed), 4-byte-aligned zip, as MediaPipe's own bundler writes it."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

    out = io.BytesIO()
    with model_asset_bundle_utils.AlignZipFile(out, mode="w", alignment=4) as archive:
        for name, data in ((DETECTOR_NAME, detector), (LANDMARKS_NAME, landmarks)):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever machine builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def check_bundle_loads(path: Path) -> None:
    """MediaPipe must accept the bundle (it refuses models without normalisation metadata)."""
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import PoseLandmarker, PoseLandmarkerOptions

    options = PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(path)))
    with PoseLandmarker.create_from_options(options) as landmarker:
        blank = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((64, 64, 3), np.uint8))
        landmarker.detect(blank)


def build_variant(files: dict[str, bytes], variant: str, out_dir: Path) -> Path:
    detector_raw = extract_detector(files[PACKED_ASSETS], files[PACKED_ASSETS_LOADER].decode())
    landmarks_raw = files[f"pose_landmark_{variant}.tflite"]
    detector = with_metadata(
        detector_raw,
        "BlazePose detector",
        "Finds people in a 224x224 image (MediaPipe pose_detection.tflite).",
        DETECTOR_NORM,
        DETECTOR_OUTPUTS,
    )
    landmarks = with_metadata(
        landmarks_raw,
        f"BlazePose GHUM 3D {variant}",
        f"33 pose landmarks from a 256x256 person crop (MediaPipe pose_landmark_{variant}).",
        LANDMARKS_NORM,
        LANDMARKS_OUTPUTS,
    )
    check_graph_unchanged(detector_raw, detector)
    check_graph_unchanged(landmarks_raw, landmarks)

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"pose_landmarker_{variant}.task"
    temporary = path.with_suffix(".task.tmp")
    temporary.write_bytes(bundle_bytes(detector, landmarks))
    check_bundle_loads(temporary)
    temporary.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--variant",
        action="append",
        choices=VARIANTS,
        help="model to build; repeat for several (default: lite and full, the bundled ones)",
    )
    parser.add_argument("--out", type=Path, default=Path("models"), help="output folder")
    parser.add_argument(
        "--package",
        type=Path,
        help=f"an already fetched {NPM_SPEC} tarball or extracted package/ folder "
        "(default: run npm pack)",
    )
    args = parser.parse_args(argv)
    variants = args.variant or ["lite", "full"]

    try:
        with tempfile.TemporaryDirectory() as workdir:
            source = args.package or fetch_package(Path(workdir))
            files = read_package(source)
            for variant in variants:
                path = build_variant(files, variant, args.out)
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                same = "same as" if digest == OFFICIAL_SHA256[variant] else "differs from"
                print(f"{path}  sha256 {digest}  ({same} Google's published bundle)")
    except BuildError as error:
        print(f"build_models: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
