"""Domain events: broadcast after commit, dropped on rollback, one failing plugin isolated."""

import types

from core.contracts import DomainEvent
from core.hookspecs import hookimpl
from core.platform import Platform


def _plugin(name, sink, fail=False):
    @hookimpl
    def events_published(event):
        if fail:
            raise RuntimeError("boom")
        sink.append(event.name)

    return types.SimpleNamespace(__name__=name, events_published=events_published)


def _event(clock, name="test.happened"):
    return DomainEvent(name, "thing", "1", clock.now(), "tester", data={"k": 1})


def test_events_are_broadcast_only_after_commit(platform, clock):
    seen: list[str] = []
    platform.pm.register(_plugin("listener", seen))
    with platform.session() as s:
        platform.publish(s, _event(clock))
        assert seen == []
    assert seen == ["test.happened"]


def test_events_of_a_rolled_back_transaction_are_dropped(platform, clock):
    seen: list[str] = []
    platform.pm.register(_plugin("listener", seen))
    try:
        with platform.session() as s:
            platform.publish(s, _event(clock))
            raise ValueError("abort")
    except ValueError:
        pass
    with platform.session():
        pass
    assert seen == []


def test_hook_events_published_isolates_failures(platform: Platform, clock):
    seen: list[str] = []
    platform.pm.register(_plugin("good", seen))
    platform.pm.register(_plugin("bad", seen, fail=True))
    with platform.session() as s:
        platform.publish(s, _event(clock))
    assert seen == ["test.happened"]
    assert [(f.plugin, f.event.name) for f in platform.hook_failures] == [
        ("bad", "test.happened")
    ]


def test_event_data_is_read_only(clock):
    ev = _event(clock)
    try:
        ev.data["k"] = 2  # type: ignore[index]
    except TypeError:
        return
    raise AssertionError("DomainEvent.data must be immutable")


def test_a_released_savepoint_waits_for_the_real_commit(platform, clock):
    seen: list[str] = []
    platform.pm.register(_plugin("listener", seen))
    with platform.session() as s:
        with s.begin_nested():
            platform.publish(s, _event(clock, "in.savepoint"))
        assert seen == []  # released, not committed: subscribers could not find the rows yet
    assert seen == ["in.savepoint"]


def test_a_rolled_back_savepoint_drops_only_its_own_events(platform, clock):
    seen: list[str] = []
    platform.pm.register(_plugin("listener", seen))
    with platform.session() as s:
        platform.publish(s, _event(clock, "before"))
        try:
            with s.begin_nested():
                platform.publish(s, _event(clock, "refused"))
                with s.begin_nested():
                    platform.publish(s, _event(clock, "refused.inner"))
                raise ValueError("refused")
        except ValueError:
            pass
        with s.begin_nested():
            platform.publish(s, _event(clock, "after"))
    assert seen == ["before", "after"]
