"""Faults: an unwritable output folder, a full disk, a killed worker, Ctrl-C. Each gives a clear
message and a non-zero exit, leaves no partial file, and a rerun completes what is missing."""

from __future__ import annotations

import errno
import multiprocessing
import os

import pytest

from workshop import storage
from workshop.kits import pipeline

from .conftest import AS_OF, KIT_PARTNERS as PARTNERS

DATE = AS_OF.isoformat()


def partial_files(folder):
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


def complete(year) -> set[str]:
    """The partners whose last build finished (their folder holds the build record)."""
    return {p.parent.name for p in year.glob("*/.inputs")}


def test_fault_output_folder_is_a_file(kit, tmp_path):
    kit.out.parent.mkdir(exist_ok=True)
    kit.out.write_text("not a folder")
    result = kit()
    assert result.exit_code == 2  # click checks --out before anything runs
    assert f"'{kit.out}' is a file" in result.output and "Traceback" not in result.output


def test_fault_a_file_in_the_way_of_the_year_folder(kit):
    kit.out.mkdir(parents=True)
    kit.year.write_text("not a folder")
    result = kit()
    assert result.exit_code == 1
    assert f"error: {kit.year}: cannot write there" in result.output and "Traceback" not in result.output


def test_fault_output_folder_not_writable(kit, monkeypatch):
    # Simulated: tests may run as root, for whom file modes do not stop a write.
    real = storage.tempfile.mkstemp

    def refuse(*args, dir=None, **kwargs):
        if str(dir).startswith(str(kit.out)):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(storage.tempfile, "mkstemp", refuse)
    result = kit()
    assert result.exit_code == 1
    assert f"error: {kit.year}: cannot write there: Permission denied" in result.output
    assert "Building" not in result.output  # one message up front, not one failure per partner
    monkeypatch.undo()
    result = kit()
    assert result.exit_code == 0 and "3 built" in result.output


def test_fault_memo_command_output_is_a_file(invoke, profiles, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    result = invoke("memo", "--all", "--profiles", profiles, "--date", DATE, "--out", blocker)
    assert result.exit_code == 2 and f"'{blocker}' is a file" in result.output and "Traceback" not in result.output


def test_fault_memo_command_output_not_writable(invoke, profiles, tmp_path, monkeypatch):
    out = tmp_path / "out"

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(dir))

    monkeypatch.setattr(storage.tempfile, "mkstemp", refuse)
    result = invoke("memo", "--all", "--profiles", profiles, "--date", DATE, "--out", out)
    # The same pipeline as a kit's: the year folder it writes into is named.
    assert result.exit_code == 1 and f"error: {out / 'FY2028'}: cannot write there: Permission denied" in result.output


def test_fault_disk_full_fails_one_partner_leaves_no_part_file_and_rerun_completes(kit, monkeypatch):
    real, calls = os.fsync, {"n": 0}

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 8:  # the second file of the second partner (six files per partner)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(storage.os, "fsync", fsync)
    result = kit()
    assert result.exit_code == 1
    assert "No space left on device" in result.output and f"{kit.year / 'rheinwerk'}" in result.output
    assert "2 built, 0 unchanged, 1 failed" in result.output
    assert partial_files(kit.out) == []
    assert complete(kit.year) == {"bluewater", "sakura"}
    monkeypatch.undo()
    result = kit()
    assert result.exit_code == 0 and "1 built, 2 unchanged, 0 failed" in result.output
    assert complete(kit.year) == set(PARTNERS)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the fake crash reaches workers by fork")
def test_fault_killed_worker_reports_the_partners_and_rerun_completes(kit, monkeypatch):
    real = pipeline.render_outputs

    def die_on_sakura(plan, document, *args, **options):
        if plan.partner.id == "sakura":
            os._exit(9)  # as abrupt as the OOM killer: no cleanup in the worker
        return real(plan, document, *args, **options)

    monkeypatch.setattr(pipeline, "render_outputs", die_on_sakura)  # forked workers inherit it
    result = kit(jobs="2")
    assert result.exit_code == 1
    assert "a worker process stopped unexpectedly" in result.output and "sakura.yaml" in result.output
    assert "Traceback" not in result.output
    assert partial_files(kit.out) == []
    assert "sakura" not in complete(kit.year)
    monkeypatch.undo()
    result = kit(jobs="2")
    assert result.exit_code == 0, result.output
    assert complete(kit.year) == set(PARTNERS)


def test_fault_ctrl_c_says_so_exits_130_and_rerun_completes(kit, monkeypatch):
    real = pipeline.write_atomic

    def interrupt(path, data):
        if path.name == "rheinwerk-FY2028-agenda.pdf":
            raise KeyboardInterrupt
        return real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", interrupt)
    result = kit()
    assert result.exit_code == 130
    assert "interrupted after 1 of 3 partners" in result.output and "Run the same command again" in result.output
    assert partial_files(kit.out) == []
    assert complete(kit.year) == {"bluewater"}
    monkeypatch.undo()
    result = kit()
    assert result.exit_code == 0 and "2 built, 1 unchanged, 0 failed" in result.output


def test_fault_unexpected_error_in_one_partner_does_not_stop_the_others(kit, monkeypatch):
    real = pipeline.render_outputs

    def bug_on_rheinwerk(plan, document, *args, **options):
        if plan.partner.id == "rheinwerk":
            raise ZeroDivisionError("division by zero")
        return real(plan, document, *args, **options)

    monkeypatch.setattr(pipeline, "render_outputs", bug_on_rheinwerk)
    result = kit()
    assert result.exit_code == 1
    assert "rheinwerk.yaml: unexpected ZeroDivisionError: division by zero" in result.output
    assert "2 built, 0 unchanged, 1 failed" in result.output
