"""Upgrading an empty database through every migration gives exactly the models' schema."""

from core import schema


def test_migrations_match_the_models(seeded_engine, backend):
    assert schema.diff(seeded_engine) == []


def test_hook_jinzhi_migration_dirs_every_branch_is_applied(seeded_engine, platform):
    from alembic.script import ScriptDirectory

    dirs = [d for group in platform.hook.jinzhi_migration_dirs() for d in group]
    heads = schema.current(platform.pm, seeded_engine)
    with seeded_engine.connect() as conn:
        script = ScriptDirectory.from_config(schema.alembic_config(platform.pm, conn))
        applied = {r.revision for r in script.revision_map.iterate_revisions(
            tuple(heads), "base")}
    # every head of every branch is applied (a plugin branch that depends on core is stored
    # as its own head only), and each plugin directory contributes a head of its own
    assert set(script.get_heads()) <= applied
    assert len(heads) >= len(dirs)
