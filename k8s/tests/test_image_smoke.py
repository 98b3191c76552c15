"""The pure parts of scripts/image_smoke.py (the smoke itself runs in .ci/run as root):
path resolution inside the root filesystem, the cache key, the build-stage step mapping."""

from __future__ import annotations

import os

import k8scheck  # noqa: F401  (puts scripts/ on sys.path)
import docker_context as dc
import image_smoke as smoke
from conftest import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()


def test_inside_resolves_links_against_the_root_never_the_host(tmp_path):
    root = tmp_path / "root"
    (root / "run").mkdir(parents=True)
    (root / "var").mkdir()
    os.symlink("/run", root / "var/run")            # absolute, as Debian has it
    os.symlink("../run", root / "var/rel")           # relative
    assert smoke.inside(root, "/var/run/secrets/kubeclaw") == root / "run/secrets/kubeclaw"
    assert smoke.inside(root, "/var/rel/x") == root / "run/x"
    assert smoke.inside(root, "/../../etc/passwd") == root / "etc/passwd"


def test_the_rootfs_key_follows_the_instructions_before_the_copy_only():
    stage = smoke.runtime_stage()
    key = smoke.rootfs_key(stage)
    start = smoke.copy_index(stage)
    before = dc.Stage(stage.base, stage.name, [
        dc.Instruction(k, a.replace("libsqlite3-0", "libsqlite3-0 tzdata")) for k, a in stage.instructions[:start]
    ] + stage.instructions[start:])
    after = dc.Stage(stage.base, stage.name, stage.instructions + [dc.Instruction("ENV", "X=1")])
    assert smoke.rootfs_key(before) != key
    assert smoke.rootfs_key(after) == key


def test_the_runtime_stage_is_a_debian_release():
    assert smoke.debian_release(smoke.runtime_stage().base) == "bookworm"
    assert smoke.debian_release("debian:trixie") == "trixie"


def test_the_build_stage_has_one_bake_and_one_compile_step():
    runs = [dc.run_command(i.args) for i in dc.parse_stages(DOCKERFILE)[0].instructions if i.keyword == "RUN"]
    compile_ = [c for _, c in runs if "swift build" in c]
    assert len(compile_) == 1 and "/out/kubeclaw" in compile_[0]
    flags = [f for f, c in runs if "swift build" in c][0]
    assert flags.get("mount", "").startswith("type=cache,target=/src/.build")
