import type pg from 'pg';

/**
 * An anchor for the capture figure: a trigger in the style of Hasura's event triggers (its
 * per-table row-level AFTER trigger calling hdb_catalog.insert_event_log, which writes the row as
 * JSON with the op into hdb_catalog.event_log: a uuid text id, created_at, delivery bookkeeping
 * columns and the indexes its event fetcher uses). Written for the bench after Hasura's published
 * schema, in a schema of its own; nothing reads the log, as nothing relays Rowhook's outbox here.
 */
export async function installHasuraStyleTrigger(client: pg.Client, table: string): Promise<void> {
  await client.query(`
    create schema if not exists hasura_style;
    create table if not exists hasura_style.event_log (
      id text default gen_random_uuid() primary key,
      schema_name text not null,
      table_name text not null,
      trigger_name text not null,
      payload jsonb not null,
      delivered boolean not null default false,
      error boolean not null default false,
      tries integer not null default 0,
      created_at timestamp default now(),
      locked timestamptz,
      next_retry_at timestamp,
      archived boolean not null default false
    );
    create index if not exists event_log_trigger_name on hasura_style.event_log (trigger_name);
    create index if not exists event_log_fetch on hasura_style.event_log
      (locked nulls first, next_retry_at nulls first, created_at)
      where delivered = false and error = false and archived = false;

    create or replace function hasura_style.insert_event_log(
      p_schema text, p_table text, p_trigger text, p_op text, p_row json) returns text
    language plpgsql as $$
    declare
      v_id text := gen_random_uuid();
    begin
      insert into hasura_style.event_log (id, schema_name, table_name, trigger_name, payload)
      values (v_id, p_schema, p_table, p_trigger, json_build_object(
        'op', p_op,
        'data', p_row,
        'session_variables', current_setting('hasura.user', true)::json,
        'trace_context', current_setting('hasura.tracecontext', true)::json));
      return v_id;
    end $$;

    create or replace function hasura_style.notify_${table}_insert() returns trigger
    language plpgsql as $$
    begin
      perform hasura_style.insert_event_log(tg_table_schema::text, tg_table_name::text,
        '${table}_insert', tg_op, json_build_object('old', null, 'new', row_to_json(new)));
      return null;
    end $$;

    drop trigger if exists notify_${table}_insert on ${table};
    create trigger notify_${table}_insert after insert on ${table}
      for each row execute function hasura_style.notify_${table}_insert();`);
}
