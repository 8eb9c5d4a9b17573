"""The page `formcheck serve` shows, as a Flask app: drop or choose a clip, pick the exercise
or let formcheck recognise it, watch the progress, then read the report; earlier analyses
are listed under the form.

Routes:
  GET  /                                the page
  POST /analyses                        upload a clip (form fields ``clip``, ``exercise``)
  GET  /analyses/<id>                   one analysis: its progress, or its report when done
  GET  /analyses/<id>/status            the same as JSON, for the page's script
  POST /analyses/<id>/retry             run a failed or stopped analysis again
  GET  /analyses/<id>/files/<name>      the report and what lies beside it
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, send_from_directory
from werkzeug.exceptions import RequestEntityTooLarge

from formcheck import __version__
from formcheck.errors import FormcheckError
from formcheck.exercises.registry import available, get_exercise
from formcheck.io.video_reader import probe
from formcheck.report.html_report import HTML_NAME
from formcheck.serve.jobs import (
    DONE,
    FAILED,
    JOB_ID,
    STOPPED,
    Job,
    JobStore,
    Runner,
)

AUTO = "auto"
# Image codecs PyAV opens as a one-frame "video": a photo is not a set of reps.
IMAGE_CODECS = {"png", "mjpeg", "bmp", "tiff", "webp", "jpeg2000", "jpegls", "pam", "ppm", "qoi"}


@dataclass(frozen=True)
class Settings:
    folder: Path
    max_upload_mb: int = 500


class UploadRefused(Exception):
    """An upload that cannot be analysed, with the message for the page."""


def create_app(settings: Settings, store: JobStore, runner: Runner) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_upload_mb * 1024 * 1024
    exercises = [(name, get_exercise(name).title) for name in available()]
    titles = dict(exercises)
    names = set(titles)

    def wants_json() -> bool:
        return request.accept_mimetypes.best == "application/json"

    def refuse(message: str, status: int):
        if wants_json():
            return jsonify(error=message), status
        page = render_template("home.html", **home_context(error=message))
        return page, status

    def home_context(error: str = "") -> dict:
        return {
            "version": __version__,
            "exercises": exercises,
            "jobs": [job_view(job) for job in store.all()],
            "max_upload_mb": settings.max_upload_mb,
            "error": error,
        }

    def job_view(job: Job) -> dict:
        frames, total = runner.progress(job.id)
        done = job.state == DONE and (store.report_folder(job) / HTML_NAME).is_file()
        return {
            "id": job.id,
            "clip_name": job.clip_name,
            "exercise": job.exercise,
            "exercise_found": titles.get(job.exercise_found or "", job.exercise_found or ""),
            "exercise_title": titles.get(job.exercise, "recognise it"),
            "state": job.state,
            "error": job.error,
            "created": job.created,
            "reps": job.reps,
            "faulty_reps": job.faulty_reps,
            "faults": job.faults,
            "position": runner.position(job.id),
            "frames": frames,
            "total": total,
            "page": f"/analyses/{job.id}",
            "status": f"/analyses/{job.id}/status",
            "report": f"/analyses/{job.id}/files/{HTML_NAME}" if done else None,
            "retry": f"/analyses/{job.id}/retry" if job.state in (FAILED, STOPPED) else None,
        }

    def find(job_id: str) -> Job:
        job = store.get(job_id) if JOB_ID.match(job_id) else None
        if job is None:
            abort(404)
        return job

    @app.get("/")
    def home():
        return render_template("home.html", **home_context())

    @app.post("/analyses")
    def upload():
        if not same_origin():
            return refuse("uploads are taken from this page only", 403)
        upload = request.files.get("clip")
        exercise = request.form.get("exercise", AUTO)
        if upload is None or not upload.filename:
            return refuse("choose a video file first", 400)
        if exercise != AUTO and exercise not in names:
            return refuse(f"unknown exercise {exercise!r}: pick one from the list", 400)
        original = Path(upload.filename.replace("\\", "/")).name
        job = store.new(original, saved_name(original), exercise)
        try:
            store.clip_path(job).parent.mkdir(exist_ok=True)
            upload.save(store.clip_path(job))
            check_video(store.clip_path(job), original)
        except UploadRefused as refused:
            store.discard(job)
            return refuse(str(refused), 415)
        except OSError as error:
            store.discard(job)
            return refuse(f"could not save the upload: {error.strerror or error}", 500)
        runner.submit(job)
        if wants_json():
            return jsonify(job_view(job)), 202
        return redirect(f"/analyses/{job.id}", code=303)

    @app.get("/analyses/<job_id>")
    def analysis(job_id: str):
        job = find(job_id)
        view = job_view(job)
        if view["report"]:
            return redirect(view["report"])
        return render_template("job.html", version=__version__, job=view, exercises=exercises)

    @app.get("/analyses/<job_id>/status")
    def status(job_id: str):
        return jsonify(job_view(find(job_id)))

    @app.post("/analyses/<job_id>/retry")
    def retry(job_id: str):
        if not same_origin():
            return refuse("requests are taken from this page only", 403)
        job = find(job_id)
        if job.state not in (FAILED, STOPPED):
            return refuse("only a failed or stopped analysis can be run again", 409)
        exercise = request.form.get("exercise", job.exercise)
        if exercise != AUTO and exercise not in names:
            return refuse(f"unknown exercise {exercise!r}: pick one from the list", 400)
        job.exercise = exercise
        runner.submit(job)
        if wants_json():
            return jsonify(job_view(job)), 202
        return redirect(f"/analyses/{job.id}", code=303)

    @app.get("/analyses/<job_id>/files/<path:name>")
    def files(job_id: str, name: str):
        job = find(job_id)
        return send_from_directory(store.report_folder(job), name, max_age=0)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        return refuse(
            f"the file is larger than the {settings.max_upload_mb} MB limit: trim the clip, or "
            "start the server with a larger --max-upload-mb",
            413,
        )

    def same_origin() -> bool:
        """A form on another site must not post clips to this server: browsers send Origin
        with a cross-site POST, and it must then name this server."""
        origin = request.headers.get("Origin")
        return origin is None or origin == request.host_url.rstrip("/")

    return app


NAME_LIMIT = 120  # characters of the clip's name kept in its saved file name


def saved_name(original: str) -> str:
    """The name the clip is saved under in its analysis's own folder: the user's name (so
    the report and the video are named as they know the clip), less anything that could
    reach outside the folder or hide the file."""
    name = "".join(c if c.isprintable() and c not in "/\\:" else "_" for c in original)
    name = name.strip().lstrip(".")
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix) > 10:  # not an extension: part of the name
        stem, suffix = name, ""
    stem = stem[:NAME_LIMIT] or "clip"
    return stem + suffix


def check_video(path: Path, shown_name: str) -> None:
    """Raise :class:`UploadRefused` unless ``path`` is a video PyAV can read."""
    try:
        info = probe(path)
    except FormcheckError:
        raise UploadRefused(
            f"“{shown_name}” is not a video formcheck can read. Choose a video file (MP4, MOV, "
            "WebM...), as your phone or camera saved it."
        ) from None
    if info.codec in IMAGE_CODECS and (info.frame_count or 0) <= 1 and not info.duration_s:
        raise UploadRefused(
            f"“{shown_name}” is a still image, not a video. Film the whole set and choose the "
            "video file."
        )


def analyse_job(model: str, config: Path | None):
    """The function the runner calls for each analysis: ``formcheck analyze`` into the
    analysis's report folder."""

    def analyse(job: Job, clip: Path, out: Path, progress):
        from formcheck.pipeline import analyze

        with contextlib.suppress(OSError):
            out.mkdir(exist_ok=True)
        return analyze(
            clip, exercise=job.exercise, out=out, model=model, config=config, progress=progress
        )

    return analyse
