import pytest

from ukai.core.plugins import (
    NoEngineAvailable,
    Plugin,
    PluginConfigError,
    PluginUnavailable,
    Registry,
)


class Echo(Plugin):
    def run(self, text: str) -> str:
        raise NotImplementedError


@pytest.fixture
def registry():
    fresh: Registry[Echo] = Registry("echo-test", track=False)

    @fresh.register("upper")
    class Upper(Echo):
        verbose_name = "大文字"

        def run(self, text):
            return text.upper()

    @fresh.register("offline")
    class Offline(Echo):
        verbose_name = "停止中"

        def check_config(self):
            if not self.options.get("model_path"):
                raise PluginConfigError("model_path is not set")

        def run(self, text):
            raise PluginUnavailable("model not loaded")

    return fresh


def test_registered_plugins_are_listed_for_choice_fields(registry):
    assert registry.choices() == [("offline", "停止中"), ("upper", "大文字")]
    assert "upper" in registry
    assert "missing" not in registry


def test_an_id_cannot_be_registered_twice(registry):
    with pytest.raises(ValueError, match="already registered"):
        registry.register("upper")(Echo)


def test_unknown_plugin_names_the_known_ones(registry):
    with pytest.raises(KeyError, match="offline, upper"):
        registry.create("nope")


def test_engines_are_tried_in_the_configured_order_with_fallback(registry, settings):
    settings.UKAI_ENGINES = {"echo-test": [{"engine": "offline"}, {"engine": "upper"}]}
    result = registry.run_with_fallback(lambda engine: engine.run("gifu"))
    assert result.value == "GIFU"
    assert result.engine == "upper"
    assert [a.identifier for a in result.attempts] == ["offline"]


def test_no_working_engine_is_an_explicit_error(registry, settings):
    settings.UKAI_ENGINES = {"echo-test": [{"engine": "offline"}]}
    with pytest.raises(NoEngineAvailable, match="model not loaded"):
        registry.run_with_fallback(lambda engine: engine.run("x"))


def test_check_config_reports_each_configured_engine(registry, settings):
    settings.UKAI_ENGINES = {
        "echo-test": [
            {"engine": "offline"},
            {"engine": "offline", "options": {"model_path": "/srv/models/x"}},
            {"engine": "ghost"},
        ]
    }
    statuses = registry.check_config()
    assert [s.ok for s in statuses] == [False, True, False]
    assert "model_path" in statuses[0].message
    assert "ghost" in statuses[2].message


def test_a_bug_in_an_engine_is_not_hidden_by_fallback(registry, settings):
    settings.UKAI_ENGINES = {"echo-test": [{"engine": "upper"}]}
    with pytest.raises(AttributeError):
        registry.run_with_fallback(lambda engine: engine.run(None))
