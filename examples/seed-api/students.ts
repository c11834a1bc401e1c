import type { Generated, Kysely, Migration } from 'kysely';
import { addIdColumn, engineOf, IsAuthenticated, NotFound, type MigrationSet, type Tessera } from '../../src/index.js';
import { charField, defineView, integerField, readOnlyField, validate, type View } from '../../src/web/index.js';

/** Seed 004's `Student` model. */
interface StudentTable {
  id: Generated<number>;
  name: string;
  roll: number;
  city: string;
}

/** The examples' own table, tracked under its own name beside tessera's migrations. */
export const STUDENT_MIGRATIONS: MigrationSet = {
  owner: 'seed_api',
  migrations: {
    '0001_students': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('api_student')
          .ifNotExists()
          .$call(addIdColumn(db))
          .addColumn('name', 'varchar(50)', (c) => c.notNull())
          // Django's IntegerField on SQLite holds 64 bits; PostgreSQL's integer only 32.
          .addColumn('roll', engineOf(db) === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
          .addColumn('city', 'varchar(50)', (c) => c.notNull())
          .execute();
      },
    } satisfies Migration,
  },
};

// ModelSerializer's fields: the primary key is read-only, labelled by Django's `verbose_name`.
const fields = {
  id: readOnlyField({ type: 'integer', title: 'ID' }),
  name: charField({ maxLength: 50 }),
  roll: integerField({ min: -(2 ** 63), max: 2 ** 53 - 1 }),
  city: charField({ maxLength: 50 }),
};

/**
 * Seed 004's `StudentModelViewSet` at `/studentapi/`: list, create, retrieve, update, partial
 * update and destroy, for authenticated users, with DRF's validation messages.
 */
export function studentViews(tessera: Tessera): View[] {
  const db = tessera.store.database.db.withTables<{ api_student: StudentTable }>();
  const columns = ['id', 'name', 'roll', 'city'] as const;
  // DRF names a viewset's views after the class (`StudentModelViewSet` -> "Student Model") plus the suffix.
  const list = { permission: IsAuthenticated, name: 'Student Model List', openapi: { body: fields } };
  const instance = { permission: IsAuthenticated, name: 'Student Model Instance', openapi: { body: fields } };

  const find = async (rawId: string | undefined) => {
    const id = rawId !== undefined && /^\d{1,15}$/.test(rawId) ? Number(rawId) : null;
    const row = id === null ? undefined : await db.selectFrom('api_student').select(columns).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound();
    return row;
  };
  const update = (partial: boolean): View['handle'] => async (request) => {
    const current = await find(request.params.id);
    const changes = validate(request.data, fields, { partial });
    if (Object.keys(changes).length > 0) await db.updateTable('api_student').set(changes).where('id', '=', current.id).execute();
    const { id, name, roll, city } = { ...current, ...changes };
    return { id, name, roll, city };
  };

  return [
    defineView({ method: 'GET', url: '/studentapi/', config: list, handle: () => db.selectFrom('api_student').select(columns).orderBy('id').execute() }),
    defineView({
      method: 'POST', url: '/studentapi/', config: list,
      handle: async (request, reply) => {
        const row = await db.insertInto('api_student').values(validate(request.data, fields)).returning(columns).executeTakeFirstOrThrow();
        reply.status(201);
        return row;
      },
    }),
    defineView({ method: 'GET', url: '/studentapi/:id/', config: instance, handle: (request) => find(request.params.id) }),
    defineView({ method: 'PUT', url: '/studentapi/:id/', config: instance, handle: update(false) }),
    defineView({ method: 'PATCH', url: '/studentapi/:id/', config: instance, handle: update(true) }),
    defineView({
      method: 'DELETE', url: '/studentapi/:id/', config: instance,
      handle: async (request, reply) => {
        const { id } = await find(request.params.id);
        await db.deleteFrom('api_student').where('id', '=', id).execute();
        reply.status(204);
        return undefined;
      },
    }),
  ];
}
