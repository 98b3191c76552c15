"""Shared fixtures: the tools from the validation venvs and every kustomize rendering."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import k8scheck  # noqa: E402

REPO = k8scheck.REPO
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# What each rendering must look like beyond the checks every rendering passes.
# A new overlay without an entry here fails test_every_overlay_has_a_profile.
PROFILES = {
    "base": dict(hpa=True, pdb="minAvailable", model_api_egress=False, gpu=False, store="postgres"),
    "dev": dict(hpa=False, pdb="maxUnavailable", model_api_egress=False, gpu=False, store="sqlite"),
    "gpu": dict(hpa=True, pdb="minAvailable", model_api_egress=False, gpu=True, store="postgres"),
    "single-node-drain": dict(hpa=True, pdb="maxUnavailable", model_api_egress=False, gpu=False, store="postgres"),
    "model-apis": dict(hpa=True, pdb="minAvailable", model_api_egress=True, gpu=False, store="postgres"),
    "monitoring": dict(hpa=True, pdb="minAvailable", model_api_egress=False, gpu=False, monitoring=True,
                       store="postgres"),
    "ingress": dict(hpa=True, pdb="minAvailable", model_api_egress=False, gpu=False, ingress=True,
                    store="postgres"),
    "external-database": dict(hpa=True, pdb="minAvailable", model_api_egress=False, gpu=False, store="external"),
}


def target_dir(name: str) -> Path:
    return REPO / "k8s" / ("base" if name == "base" else f"overlays/{name}")


def pytest_configure(config):
    missing = [t for t in ("kubectl", "kubernetes-validate", "yamllint", "hadolint", "checkov", "promtool")
               if not os.access(k8scheck.tool_path(t), os.X_OK)]
    if missing:
        raise pytest.UsageError(
            f"missing validation tools {missing}: run scripts/validate-k8s.sh, which installs them")


@pytest.fixture(scope="session")
def renderings() -> dict[str, list[dict]]:
    return {name: k8scheck.load_docs(k8scheck.render(target_dir(name))) for name in PROFILES}


@pytest.fixture(scope="session")
def base(renderings) -> list[dict]:
    return renderings["base"]


def render_fixture(name: str) -> list[dict]:
    return k8scheck.load_docs(k8scheck.render(FIXTURES / name))
