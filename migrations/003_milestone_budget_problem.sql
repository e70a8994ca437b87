-- Why a milestone's `Budget:` line could not be read (shown in its rollup), or NULL.
ALTER TABLE milestones ADD COLUMN budget_problem text;
