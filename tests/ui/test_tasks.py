"""run_task: the window's one way off the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from photosearch.ui.tasks import run_task


def test_the_answer_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    receiver = QObject()
    where: list[tuple[str, object]] = []

    def work() -> int:
        where.append(("work", QThread.currentThread()))
        return 42

    def done(value: int) -> None:
        where.append(("done", QThread.currentThread()))
        assert value == 42

    run_task(work, done, lambda exc: where.append(("failed", exc)), receiver)
    qtbot.waitUntil(lambda: len(where) == 2, timeout=5_000)
    gui = receiver.thread()
    assert where[0][0] == "work" and where[0][1] is not gui
    assert where[1] == ("done", gui)


def test_an_exception_reaches_failed(qtbot: QtBot) -> None:
    receiver = QObject()
    failures: list[Exception] = []

    def work() -> None:
        raise ValueError("broken photo")

    run_task(work, lambda _: None, failures.append, receiver)
    qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    assert isinstance(failures[0], ValueError) and str(failures[0]) == "broken photo"


def test_callbacks_die_with_their_receiver(qtbot: QtBot) -> None:
    receiver = QObject()
    release, finished = threading.Event(), threading.Event()
    answers: list[object] = []

    def work() -> str:
        release.wait(10)
        finished.set()
        return "late"

    run_task(work, answers.append, answers.append, receiver)
    receiver.deleteLater()
    qtbot.wait(50)  # the receiver is gone before the answer
    release.set()
    assert finished.wait(10)
    qtbot.wait(200)
    assert answers == []
