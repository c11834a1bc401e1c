import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Generated, Kysely } from 'kysely';
import type { Migration } from 'kysely';
import { addIdColumn, IsAuthenticatedOrReadOnly, NotFound, ValidationError, type AuthenticationClassName } from '../index.js';
import { charField, dateTimeField, objectSchema, requestData, validate, type Field, type RouteDocs } from '../http/index.js';

/**
 * Seed 003's `Task` model with `TaskViewSet` at `/tasks/`, and `UserViewSet` at `/users/` showing
 * each user's task ids; both `IsAuthenticatedOrReadOnly`, written only against the public API.
 *
 * `/users/` is read-only: the seed's `ModelViewSet` would let any signed-in user create users
 * with plain-text passwords and edit or delete anyone. Accounts are made at `/api-register/`
 * (or with the CLI), so a write to `/users/` is DRF's 405 once authenticated (401 before).
 */
interface TaskTable {
  id: Generated<number>;
  title: string;
  person_id: number;
  /** DRF's rendering in UTC (`2016-10-18T19:12:01Z`), which sorts as time does. */
  due_to: string;
}
type Schema = { tasks_task: TaskTable };

export const taskMigrations: Record<string, Migration> = {
  '0003_example_tasks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('tasks_task')
        .$call(addIdColumn(db))
        .addColumn('title', 'varchar(100)', (c) => c.notNull())
        // Django 1.x's ForeignKey default: deleting the user deletes their tasks.
        .addColumn('person_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
        .addColumn('due_to', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tasks_task_person_id').on('tasks_task').column('person_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('tasks_task').execute();
    },
  },
};

/** Seed 003 sends drf-jwt tokens (`JWT <token>`); Simple JWT's are taken as well. */
const AUTHENTICATION: AuthenticationClassName[] = ['jwt', 'drf-jwt'];

/**
 * DRF's `PrimaryKeyRelatedField` up to the lookup: what Django's `int()` accepts, else
 * "Incorrect type"; the caller checks that the row exists.
 */
function primaryKeyField(): Field<{ pk: number; shown: string }> {
  const incorrectType = (type: string) => ({ error: `Incorrect type. Expected pk value, received ${type}.` });
  return {
    required: true,
    schema: { type: 'integer', description: 'The id of the user the task is for.' },
    clean(value) {
      // RelatedField reads an empty string as None.
      if (value === null || value === '') return { error: 'This field may not be null.' };
      if (typeof value === 'boolean') return incorrectType('bool');
      if (typeof value === 'number') return { value: { pk: Math.trunc(value), shown: String(value) } };
      if (typeof value === 'string') {
        const text = value.trim();
        if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) return incorrectType('str');
        return { value: { pk: Number(text.replace(/_/g, '')), shown: value } };
      }
      return incorrectType(Array.isArray(value) ? 'list' : 'dict');
    },
  };
}

const taskFields = {
  title: charField({ maxLength: 100 }),
  person: primaryKeyField(),
  due_to: dateTimeField(),
};
const FIELD_ORDER = ['title', 'person', 'due_to'] as const;

type TaskRow = { id: number; title: string; person_id: number; due_to: string };

const TASK_SCHEMA = objectSchema({
  id: { type: 'integer' }, title: { type: 'string' }, person: { type: 'integer' }, due_to: { type: 'string', format: 'date-time' },
});
const TASK_USER_SCHEMA = objectSchema({
  id: { type: 'integer' }, username: { type: 'string' }, email: { type: 'string' }, tasks: { type: 'array', items: { type: 'integer' } },
});

/** The serializer's output, in the model's field order. */
const represent = (row: TaskRow) => ({ id: row.id, title: row.title, person: row.person_id, due_to: row.due_to });

/** Registers `/tasks/` (list, create, retrieve, update, partial update, destroy) and read-only `/users/`. */
export async function taskRoutes(app: FastifyInstance): Promise<void> {
  const db = app.tessera.store.database.db.withTables<Schema>();
  const config = { permission: IsAuthenticatedOrReadOnly, authentication: AUTHENTICATION };

  const findTask = async (rawId: string): Promise<TaskRow> => {
    const id = /^\d{1,15}$/.test(rawId) ? Number(rawId) : null;
    const row = id === null ? undefined : await db.selectFrom('tasks_task').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound();
    return row;
  };

  /** `serializer.is_valid()`: every field's error at once, the person's existence included. */
  const validTask = async (request: FastifyRequest, partial: boolean) => {
    const errors: Record<string, string[]> = {};
    const data = requestData(request);
    // Each field on its own, as DRF's `to_internal_value` does: the person is looked up even
    // when another field is wrong.
    const cleaned: Partial<{ title: string; person: { pk: number; shown: string }; due_to: string }> = {};
    for (const name of FIELD_ORDER) {
      try {
        Object.assign(cleaned, validate(data, { [name]: taskFields[name] }, { partial }));
      } catch (error) {
        if (!(error instanceof ValidationError) || 'non_field_errors' in error.fields) throw error;
        Object.assign(errors, error.fields);
      }
    }
    if (cleaned.person && !errors.person) {
      const { pk, shown } = cleaned.person;
      const exists = Number.isSafeInteger(pk)
        && (await db.selectFrom('auth_user').select('id').where('id', '=', pk).executeTakeFirst()) !== undefined;
      if (!exists) errors.person = [`Invalid pk "${shown}" - object does not exist.`];
    }
    if (Object.keys(errors).length > 0) {
      throw new ValidationError(Object.fromEntries(FIELD_ORDER.filter((f) => errors[f]).map((f) => [f, errors[f]!])));
    }
    const values: Partial<Omit<TaskRow, 'id'>> = {};
    if (cleaned.title !== undefined) values.title = cleaned.title;
    if (cleaned.person !== undefined) values.person_id = cleaned.person.pk;
    if (cleaned.due_to !== undefined) values.due_to = cleaned.due_to;
    return values;
  };

  const list = { ...config, name: 'Task List' };
  const instance = { ...config, name: 'Task Instance' };
  const tags = ['tasks'];
  const one: RouteDocs = { tags, responses: { 200: { description: 'The task.', body: TASK_SCHEMA } } };

  app.get('/tasks/', { config: { ...list, openapi: { tags, responses: { 200: { description: 'Every task.', body: { type: 'array', items: TASK_SCHEMA } } } } } }, async () =>
    (await db.selectFrom('tasks_task').selectAll().orderBy('id').execute()).map(represent));

  app.post('/tasks/', { config: { ...list, openapi: { tags, body: taskFields, responses: { 201: { description: 'Created.', body: TASK_SCHEMA } } } } }, async (request, reply) => {
    const values = (await validTask(request, false)) as Omit<TaskRow, 'id'>;
    const row = await db.insertInto('tasks_task').values(values).returningAll().executeTakeFirstOrThrow();
    return reply.code(201).send(represent(row));
  });

  app.get<{ Params: { id: string } }>('/tasks/:id/', { config: { ...instance, openapi: one } }, async (request) => represent(await findTask(request.params.id)));

  const update = (partial: boolean) => async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const current = await findTask(request.params.id);
    const changes = await validTask(request, partial);
    if (Object.keys(changes).length > 0) await db.updateTable('tasks_task').set(changes).where('id', '=', current.id).execute();
    return represent({ ...current, ...changes });
  };
  app.put<{ Params: { id: string } }>('/tasks/:id/', { config: { ...instance, openapi: { ...one, body: taskFields } } }, update(false));
  app.patch<{ Params: { id: string } }>('/tasks/:id/', { config: { ...instance, openapi: { ...one, body: taskFields } } }, update(true));

  app.delete<{ Params: { id: string } }>('/tasks/:id/', { config: { ...instance, openapi: { tags, responses: { 204: { description: 'Deleted.' } } } } }, async (request, reply) => {
    const { id } = await findTask(request.params.id);
    await db.deleteFrom('tasks_task').where('id', '=', id).execute();
    return reply.code(204).send();
  });

  // UserSerializer's fields without the password: a hash is never shown.
  const usersWithTasks = async (id?: number) => {
    let query = db.selectFrom('auth_user').select(['id', 'username', 'email']).orderBy('id');
    if (id !== undefined) query = query.where('id', '=', id);
    const users = await query.execute();
    let tasks = db.selectFrom('tasks_task').select(['id', 'person_id']).orderBy('id');
    if (id !== undefined) tasks = tasks.where('person_id', '=', id);
    const byPerson = new Map<number, number[]>();
    for (const task of await tasks.execute()) byPerson.set(task.person_id, [...(byPerson.get(task.person_id) ?? []), task.id]);
    return users.map((user) => ({ id: user.id, username: user.username, email: user.email, tasks: byPerson.get(user.id) ?? [] }));
  };

  const userDocs = (description: string, body: Record<string, unknown>): RouteDocs => ({ tags, responses: { 200: { description, body } } });
  app.get('/users/', { config: { ...config, name: 'User List', openapi: userDocs('Every user and their tasks.', { type: 'array', items: TASK_USER_SCHEMA }) } }, async () => usersWithTasks());

  app.get<{ Params: { id: string } }>('/users/:id/', { config: { ...config, name: 'User Instance', openapi: userDocs('The user and their tasks.', TASK_USER_SCHEMA) } }, async (request) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : null;
    const [user] = id === null ? [] : await usersWithTasks(id);
    if (!user) throw new NotFound();
    return user;
  });
}
