"""Upgrading an empty database through every migration gives exactly the models' schema."""

from core import schema


def test_migrations_match_the_models(seeded_engine, backend):
    assert schema.diff(seeded_engine) == []


def test_hook_jinzhi_migration_dirs_every_branch_is_applied(seeded_engine, platform):
    dirs = [d for group in platform.hook.jinzhi_migration_dirs() for d in group]
    heads = schema.current(platform.pm, seeded_engine)
    # one head per branch: core's plus one per plugin directory
    assert len(heads) == 1 + len(dirs)
