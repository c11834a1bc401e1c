import type { FastifyInstance } from 'fastify';
import type { Generated, Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn, engineOf, IsAuthenticated, NotFound } from '../index.js';
import { charField, integerField, objectSchema, readOnlyField, requestData, validate, type RouteDocs } from '../http/index.js';

/**
 * Seed 004's `Student` model and `StudentModelViewSet` at `/studentapi/`, written only against
 * tessera's public plugin API: the example of protecting one's own routes.
 */
interface StudentTable {
  id: Generated<number>;
  name: string;
  roll: number;
  city: string;
}
type Schema = { api_student: StudentTable };

export const studentMigrations: Record<string, Migration> = {
  '0002_example_students': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_student')
        // examples/seed-api makes the same table: the ready server then adopts it on a shared database.
        .ifNotExists()
        .$call(addIdColumn(db))
        .addColumn('name', 'varchar(50)', (c) => c.notNull())
        // Django's IntegerField on SQLite holds 64 bits; PostgreSQL's integer only 32.
        .addColumn('roll', engineOf(db) === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
        .addColumn('city', 'varchar(50)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('api_student').execute();
    },
  },
};

// ModelSerializer's fields: the primary key is read-only, labelled by Django's `verbose_name`.
const studentFields = {
  id: readOnlyField({ type: 'integer', title: 'ID' }),
  name: charField({ maxLength: 50 }),
  roll: integerField({ min: -(2 ** 63), max: 2 ** 53 - 1 }),
  city: charField({ maxLength: 50 }),
};

const STUDENT_SCHEMA = objectSchema({ id: { type: 'integer' }, name: { type: 'string' }, roll: { type: 'integer' }, city: { type: 'string' } });
const tags = ['students'];
const one: RouteDocs = { tags, responses: { 200: { description: 'The student.', body: STUDENT_SCHEMA } } };
const change: RouteDocs = { ...one, body: studentFields };

/** Registers list, create, retrieve, update, partial update and destroy. */
export async function studentRoutes(app: FastifyInstance): Promise<void> {
  const db = app.tessera.store.database.db.withTables<Schema>();
  // DRF names a viewset's views after the class (`StudentModelViewSet` -> "Student Model") plus the suffix.
  const config = { permission: IsAuthenticated, name: 'Student Model' };

  const find = async (rawId: string) => {
    const id = /^\d{1,15}$/.test(rawId) ? Number(rawId) : null;
    const row = id === null ? undefined : await db.selectFrom('api_student').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound();
    return row;
  };

  app.get('/studentapi/', {
    config: { ...config, name: 'Student Model List', openapi: { tags, responses: { 200: { description: 'Every student.', body: { type: 'array', items: STUDENT_SCHEMA } } } } },
  }, async () =>
    db.selectFrom('api_student').select(['id', 'name', 'roll', 'city']).orderBy('id').execute());

  app.post('/studentapi/', {
    config: { ...config, name: 'Student Model List', openapi: { tags, body: studentFields, responses: { 201: { description: 'Created.', body: STUDENT_SCHEMA } } } },
  }, async (request, reply) => {
    const values = validate(requestData(request), studentFields);
    const row = await db.insertInto('api_student').values(values).returning(['id', 'name', 'roll', 'city']).executeTakeFirstOrThrow();
    return reply.code(201).send(row);
  });

  app.get<{ Params: { id: string } }>('/studentapi/:id/', { config: { ...config, name: 'Student Model Instance', openapi: one } }, async (request) => {
    const { id, name, roll, city } = await find(request.params.id);
    return { id, name, roll, city };
  });

  const update = (partial: boolean) => async (request: import('fastify').FastifyRequest<{ Params: { id: string } }>) => {
    const current = await find(request.params.id);
    const changes = validate(requestData(request), studentFields, { partial });
    if (Object.keys(changes).length > 0) {
      await db.updateTable('api_student').set(changes).where('id', '=', current.id).execute();
    }
    const { id, name, roll, city } = { ...current, ...changes };
    return { id, name, roll, city };
  };
  app.put<{ Params: { id: string } }>('/studentapi/:id/', { config: { ...config, name: 'Student Model Instance', openapi: change } }, update(false));
  app.patch<{ Params: { id: string } }>('/studentapi/:id/', { config: { ...config, name: 'Student Model Instance', openapi: change } }, update(true));

  app.delete<{ Params: { id: string } }>('/studentapi/:id/', {
    config: { ...config, name: 'Student Model Instance', openapi: { tags, responses: { 204: { description: 'Deleted.' } } } },
  }, async (request, reply) => {
    const { id } = await find(request.params.id);
    await db.deleteFrom('api_student').where('id', '=', id).execute();
    return reply.code(204).send();
  });
}
