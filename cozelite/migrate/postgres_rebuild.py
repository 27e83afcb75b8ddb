"""PostgreSQL: MySQL's column order (ADD / MODIFY / CHANGE COLUMN ... FIRST | AFTER) by a table rebuild.

PostgreSQL has no way to move a column: `ALTER TABLE ADD COLUMN` appends, and an app's `SELECT *` or
`INSERT INTO t VALUES (...)` without a column list would see another order than on MySQL. When an
ALTER TABLE leaves the columns in another order than PostgreSQL's own statements produce (appending),
the table is rebuilt in MySQL's order.

The rebuild runs on the server, from the catalog as it is at that point of the file's transaction
(the planner only knows the MySQL model; what other tools or other files added lives in the catalog
alone): a PL/pgSQL function in `pg_temp` (gone with the session, nothing left in the schema) that

1. refuses, naming each one, the dependents it cannot recreate faithfully: views, rules, policies
   (row-level security), extended statistics, publications, inheritance, other objects using the
   table's row type; the file then rolls back with that message;
2. locks the table (ACCESS EXCLUSIVE: no writer slips in between the copy and the drop);
3. creates `_cozelite_reorder_<t>` with the columns in the wanted order (type, collation, NOT NULL,
   DEFAULT, identity with its sequence options, stored generated columns), UNLOGGED / WITH (...) /
   TABLESPACE as the old one;
4. copies the rows (`INSERT ... OVERRIDING SYSTEM VALUE SELECT`: identity values kept);
5. drops the foreign keys of other tables that reference it, releases the sequences owned by its
   columns (serial), drops the old table, renames the new one;
6. makes again, under their original names, from `pg_get_*def`: primary key, unique, exclusion,
   CHECK and foreign-key constraints, the other indexes (and CLUSTER / REPLICA IDENTITY), triggers
   (the ON UPDATE CURRENT_TIMESTAMP one included) with their enabled state, the inbound foreign
   keys; comments on the table, columns, indexes, constraints and triggers; table privileges; each
   identity sequence renamed back and set to the old one's position (the next id continues).

PostgreSQL's DDL is transactional: any failure leaves the database as it was before the file.
Cost: one rewrite of the table (copy + index builds + one validation scan of the constraints)
under an ACCESS EXCLUSIVE lock; an ALTER TABLE that keeps PostgreSQL's order costs nothing extra.
"""

from __future__ import annotations

from sqlglot import exp

from cozelite.migrate import ops
from cozelite.migrate.target import Step, Target

FUNCTION = "pg_temp.cozelite_reorder_columns"

# The function's text: a fixed template (no name of the user's in it: the table and the order are
# its arguments, and every name it builds goes through format('%I') / quote_ident).
_BODY = r"""
DECLARE
  rel oid;
  info record;
  r record;
  nsp text;
  qtbl text;
  tmp text;
  have text[];
  defs text[] := '{}';
  copy_cols text[] := '{}';
  cons text[] := '{}';
  fks text[] := '{}';
  pre text[] := '{}';
  post text[] := '{}';
  blockers text[] := '{}';
  seq text;
  seqinfo record;
  id_cols text[] := '{}';
  id_seqs text[] := '{}';
  id_lv bigint[] := '{}';
  id_called boolean[] := '{}';
  i integer;
  lv bigint;
  called boolean;
  coldef text;
  s text;
BEGIN
  rel := to_regclass(quote_ident(current_schema()) || '.' || quote_ident(tbl));
  IF rel IS NULL THEN
    RAISE EXCEPTION 'column order of %: no such table in schema %', tbl, current_schema();
  END IF;
  SELECT c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity, c.relreplident, c.reloftype,
         c.reltype, c.reltablespace, c.relacl, c.relnamespace::regnamespace::text AS nsp
    INTO info FROM pg_class c WHERE c.oid = rel;
  nsp := info.nsp;
  qtbl := nsp || '.' || quote_ident(tbl);
  SELECT array_agg(attname::text ORDER BY attnum) INTO have
    FROM pg_attribute WHERE attrelid = rel AND attnum > 0 AND NOT attisdropped;
  IF (SELECT array_agg(x ORDER BY x) FROM unnest(have) x) IS DISTINCT FROM
     (SELECT array_agg(x ORDER BY x) FROM unnest(wanted) x) THEN
    RAISE EXCEPTION 'column order of %: the wanted columns % are not the table''s columns %', tbl, wanted, have;
  END IF;
  IF have = wanted THEN
    RETURN false;
  END IF;

  -- what a rebuild cannot carry over: refused, each one named
  IF info.relkind <> 'r' THEN
    blockers := blockers || format('it is not a plain table (relkind %s)', info.relkind);
  END IF;
  IF info.relrowsecurity THEN
    blockers := blockers || 'its row-level security and policies'::text;
  END IF;
  IF info.reloftype <> 0 THEN
    blockers := blockers || 'it is a typed table (OF type)'::text;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = rel OR inhparent = rel) THEN
    blockers := blockers || 'table inheritance / partitions'::text;
  END IF;
  FOR r IN
    SELECT DISTINCT d.classid, d.objid, d.objsubid
      FROM pg_depend d
     WHERE ((d.refclassid = 'pg_class'::regclass AND d.refobjid = rel)
            OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = info.reltype))
       AND d.deptype IN ('n', 'a')
       AND NOT (d.classid = 'pg_class'::regclass
                AND (d.objid IN (SELECT indexrelid FROM pg_index WHERE indrelid = rel)
                     OR (d.objid IN (SELECT oid FROM pg_class WHERE relkind = 'S') AND d.refobjsubid > 0)))
       AND NOT (d.classid = 'pg_constraint'::regclass
                AND d.objid IN (SELECT oid FROM pg_constraint
                                 WHERE conrelid = rel OR (contype = 'f' AND confrelid = rel)))
       AND NOT (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = rel))
       AND NOT (d.classid = 'pg_trigger'::regclass AND d.objid IN (SELECT oid FROM pg_trigger WHERE tgrelid = rel))
       AND NOT (d.classid = 'pg_type'::regclass AND d.objid = info.reltype)
  LOOP
    IF r.classid = 'pg_rewrite'::regclass THEN
      SELECT CASE WHEN w.rulename = '_RETURN' AND c.relkind = 'v' THEN 'view ' || w.ev_class::regclass::text
                  WHEN w.rulename = '_RETURN' AND c.relkind = 'm'
                    THEN 'materialized view ' || w.ev_class::regclass::text
                  ELSE format('rule %I on %s', w.rulename, w.ev_class::regclass) END
        INTO s FROM pg_rewrite w JOIN pg_class c ON c.oid = w.ev_class WHERE w.oid = r.objid;
    ELSE
      s := pg_describe_object(r.classid, r.objid, r.objsubid);
    END IF;
    IF NOT s = ANY (blockers) THEN
      blockers := blockers || s;
    END IF;
  END LOOP;
  IF cardinality(blockers) > 0 THEN
    blockers := ARRAY(SELECT x FROM unnest(blockers) x ORDER BY x);
    RAISE EXCEPTION USING ERRCODE = 'dependent_objects_still_exist', MESSAGE = format(
      'PostgreSQL cannot move columns, so keeping MySQL''s column order of table %s means rebuilding it, '
      'and the rebuild cannot carry over: %s. Drop these before this migration and create them again after it '
      '(in a later migration file), or add the column without FIRST/AFTER in this history',
      qtbl, array_to_string(blockers, '; '));
  END IF;

  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', qtbl);
  tmp := '_cozelite_reorder_' || tbl;
  WHILE octet_length(tmp) > 63 LOOP
    tmp := left(tmp, -1);
  END LOOP;
  IF to_regclass(nsp || '.' || quote_ident(tmp)) IS NOT NULL THEN
    RAISE EXCEPTION 'column order of %: the rebuild''s table name % is taken; drop it', tbl, tmp;
  END IF;

  -- columns, in the wanted order
  FOR r IN
    SELECT a.attnum, a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS typ, a.attnotnull,
           a.attidentity, a.attgenerated, pg_get_expr(d.adbin, d.adrelid) AS dflt,
           CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
             (SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname)
                FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid = a.attcollation)
           END AS coll,
           col_description(rel, a.attnum) AS cmt
      FROM unnest(wanted) WITH ORDINALITY AS w(name, pos)
      JOIN pg_attribute a ON a.attrelid = rel AND a.attname = w.name
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = rel AND d.adnum = a.attnum
     ORDER BY w.pos
  LOOP
    coldef := format('%I %s', r.name, r.typ);
    IF r.coll IS NOT NULL THEN
      coldef := coldef || ' COLLATE ' || r.coll;
    END IF;
    IF r.attgenerated = 's' THEN
      coldef := coldef || format(' GENERATED ALWAYS AS (%s) STORED', r.dflt);
    ELSE
      copy_cols := copy_cols || quote_ident(r.name);
      IF r.attidentity IN ('a', 'd') THEN
        seq := pg_get_serial_sequence(qtbl, r.name);
        SELECT s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, c.relname::text AS relname
          INTO seqinfo FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE s.seqrelid = seq::regclass;
        EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
        coldef := coldef || format(' GENERATED %s AS IDENTITY (START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s '
                                   'CACHE %s %s)',
                                   CASE r.attidentity WHEN 'a' THEN 'ALWAYS' ELSE 'BY DEFAULT' END,
                                   seqinfo.seqstart, seqinfo.seqincrement, seqinfo.seqmin, seqinfo.seqmax,
                                   seqinfo.seqcache, CASE WHEN seqinfo.seqcycle THEN 'CYCLE' ELSE 'NO CYCLE' END);
        -- after the drop the old sequence's name is free: the new one takes it and its position
        id_cols := id_cols || r.name;
        id_seqs := id_seqs || seqinfo.relname;
        id_lv := id_lv || lv;
        id_called := id_called || called;
      ELSIF r.dflt IS NOT NULL THEN
        coldef := coldef || ' DEFAULT ' || r.dflt;
      END IF;
    END IF;
    IF r.attnotnull THEN
      coldef := coldef || ' NOT NULL';
    END IF;
    defs := defs || coldef;
    IF r.cmt IS NOT NULL THEN
      post := post || format('COMMENT ON COLUMN %s.%I IS %L', qtbl, r.name, r.cmt);
    END IF;
  END LOOP;

  -- sequences owned by a column (serial): kept, owned by the new column
  FOR r IN
    SELECT d.objid::regclass::text AS seq, a.attname::text AS name
      FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'
      JOIN pg_attribute a ON a.attrelid = rel AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = rel
       AND d.refobjsubid > 0 AND d.deptype = 'a'
  LOOP
    pre := pre || format('ALTER SEQUENCE %s OWNED BY NONE', r.seq);
    post := post || format('ALTER SEQUENCE %s OWNED BY %s.%I', r.seq, qtbl, r.name);
  END LOOP;

  -- its own constraints: one ALTER TABLE (one validation scan); foreign keys after the keys they may use
  FOR r IN
    SELECT co.oid, co.conname::text AS name, co.contype, pg_get_constraintdef(co.oid) AS def,
           obj_description(co.oid, 'pg_constraint') AS cmt
      FROM pg_constraint co
     WHERE co.conrelid = rel AND co.contype IN ('p', 'u', 'x', 'c', 'f')
     ORDER BY CASE co.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END, co.conname
  LOOP
    IF r.contype = 'f' THEN
      fks := fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', qtbl, r.name, r.def);
    ELSE
      cons := cons || format('ADD CONSTRAINT %I %s', r.name, r.def);
    END IF;
    IF r.cmt IS NOT NULL THEN
      fks := fks || format('COMMENT ON CONSTRAINT %I ON %s IS %L', r.name, qtbl, r.cmt);
    END IF;
  END LOOP;
  IF cardinality(cons) > 0 THEN
    post := post || format('ALTER TABLE %s %s', qtbl, array_to_string(cons, ', '));
  END IF;

  -- the other indexes, then what hangs on any index (comments, CLUSTER, REPLICA IDENTITY)
  FOR r IN
    SELECT pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i
     WHERE i.indrelid = rel
       AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = rel
                                                        AND co.contype IN ('p', 'u', 'x'))
     ORDER BY i.indexrelid
  LOOP
    post := post || r.def;
  END LOOP;
  FOR r IN
    SELECT ic.relname::text AS name, obj_description(i.indexrelid, 'pg_class') AS cmt, i.indisclustered,
           i.indisreplident
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE i.indrelid = rel
  LOOP
    IF r.cmt IS NOT NULL THEN
      post := post || format('COMMENT ON INDEX %s.%I IS %L', nsp, r.name, r.cmt);
    END IF;
    IF r.indisclustered THEN
      post := post || format('ALTER TABLE %s CLUSTER ON %I', qtbl, r.name);
    END IF;
    IF r.indisreplident AND info.relreplident = 'i' THEN
      post := post || format('ALTER TABLE %s REPLICA IDENTITY USING INDEX %I', qtbl, r.name);
    END IF;
  END LOOP;
  post := post || fks;
  IF info.relreplident IN ('f', 'n') THEN
    post := post || format('ALTER TABLE %s REPLICA IDENTITY %s', qtbl,
                           CASE info.relreplident WHEN 'f' THEN 'FULL' ELSE 'NOTHING' END);
  END IF;

  -- triggers (ON UPDATE CURRENT_TIMESTAMP's among them), with their state and comments
  FOR r IN
    SELECT tg.tgname::text AS name, pg_get_triggerdef(tg.oid) AS def, tg.tgenabled,
           obj_description(tg.oid, 'pg_trigger') AS cmt
      FROM pg_trigger tg WHERE tg.tgrelid = rel AND NOT tg.tgisinternal ORDER BY tg.tgname
  LOOP
    post := post || r.def;
    IF r.tgenabled <> 'O' THEN
      post := post || format('ALTER TABLE %s %s TRIGGER %I', qtbl,
                             CASE r.tgenabled WHEN 'D' THEN 'DISABLE' WHEN 'A' THEN 'ENABLE ALWAYS'
                                              ELSE 'ENABLE REPLICA' END, r.name);
    END IF;
    IF r.cmt IS NOT NULL THEN
      post := post || format('COMMENT ON TRIGGER %I ON %s IS %L', r.name, qtbl, r.cmt);
    END IF;
  END LOOP;

  -- other tables' foreign keys that reference it: dropped before the drop, made again at the end
  FOR r IN
    SELECT co.conrelid::regclass::text AS owner, co.conname::text AS name, pg_get_constraintdef(co.oid) AS def,
           obj_description(co.oid, 'pg_constraint') AS cmt
      FROM pg_constraint co
     WHERE co.contype = 'f' AND co.confrelid = rel AND co.conrelid <> rel
     ORDER BY 1, 2
  LOOP
    pre := pre || format('ALTER TABLE %s DROP CONSTRAINT %I', r.owner, r.name);
    post := post || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.owner, r.name, r.def);
    IF r.cmt IS NOT NULL THEN
      post := post || format('COMMENT ON CONSTRAINT %I ON %s IS %L', r.name, r.owner, r.cmt);
    END IF;
  END LOOP;

  -- the table's comment and privileges
  IF obj_description(rel, 'pg_class') IS NOT NULL THEN
    post := post || format('COMMENT ON TABLE %s IS %L', qtbl, obj_description(rel, 'pg_class'));
  END IF;
  FOR r IN
    SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE x.grantee::regrole::text END AS who,  -- quoted as needed
           x.privilege_type, x.is_grantable
      FROM aclexplode(info.relacl) x
     WHERE x.grantee <> (SELECT relowner FROM pg_class WHERE oid = rel)
  LOOP
    post := post || format('GRANT %s ON %s TO %s%s', r.privilege_type, qtbl, r.who,
                           CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
  END LOOP;

  EXECUTE format('CREATE %sTABLE %s.%I (%s)%s%s',
                 CASE info.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, nsp, tmp,
                 array_to_string(defs, ', '),
                 CASE WHEN info.reloptions IS NULL THEN ''
                      ELSE ' WITH (' || array_to_string(info.reloptions, ', ') || ')' END,
                 CASE WHEN info.reltablespace = 0 THEN ''
                      ELSE ' TABLESPACE ' || quote_ident((SELECT spcname FROM pg_tablespace
                                                           WHERE oid = info.reltablespace)) END);
  EXECUTE format('INSERT INTO %s.%I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s', nsp, tmp,
                 array_to_string(copy_cols, ', '), array_to_string(copy_cols, ', '), qtbl);
  FOREACH s IN ARRAY pre LOOP
    EXECUTE s;
  END LOOP;
  EXECUTE format('DROP TABLE %s', qtbl);
  EXECUTE format('ALTER TABLE %s.%I RENAME TO %I', nsp, tmp, tbl);
  FOR i IN 1 .. cardinality(id_cols) LOOP
    EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', pg_get_serial_sequence(qtbl, id_cols[i]), id_seqs[i]);
    PERFORM setval(pg_get_serial_sequence(qtbl, id_cols[i]), id_lv[i], id_called[i]);
  END LOOP;
  FOREACH s IN ARRAY post LOOP
    EXECUTE s;
  END LOOP;
  RETURN true;
END
"""


def function_step() -> Step:
    """CREATE OR REPLACE of the rebuild function (in pg_temp: the session's own, nothing stays).
    Bookkeeping, as the notes: `plan` prints the calls, and the function only with `--all`."""
    return Step(f"CREATE OR REPLACE FUNCTION {FUNCTION}(tbl text, wanted text[]) RETURNS boolean "
                f"LANGUAGE plpgsql AS $cozelite_reorder${_BODY}$cozelite_reorder$", internal=True)


def native_order(order: list[str], action: ops.Action) -> list[str]:
    """The column order PostgreSQL's own statements for `action` leave: ADD COLUMN appends, DROP
    removes, MODIFY / CHANGE / RENAME keep the column where it is (under its new name)."""
    if isinstance(action, ops.AddColumn):
        return [*order, action.column.name]
    if isinstance(action, ops.DropColumn):
        return [c for c in order if c.lower() != action.name.lower()]
    if isinstance(action, ops.ModifyColumn):
        return [action.column.name if c.lower() == action.old_name.lower() else c for c in order]
    if isinstance(action, ops.RenameColumn):
        return [action.new if c.lower() == action.old.lower() else c for c in order]
    return order


def reorder_steps(target: Target, table: str, native: list[str], wanted: list[str], *,
                  function_made: bool) -> list[Step]:
    """The rebuild of `table` into the `wanted` order, or nothing when PostgreSQL's own order is it
    (e.g. AFTER the last column: a plain ADD COLUMN)."""
    if [c.lower() for c in native] == [c.lower() for c in wanted]:
        return []
    call = exp.select(exp.Anonymous(this=FUNCTION, expressions=[
        exp.Literal.string(table),
        exp.Cast(this=exp.Array(expressions=[exp.Literal.string(c) for c in wanted]),
                 to=exp.DataType.build("TEXT[]", dialect="postgres"))]))
    return ([] if function_made else [function_step()]) + [target.step(call)]
