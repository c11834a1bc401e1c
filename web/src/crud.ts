/** One column of a CRUD table: its JSON name, its label, and how to type it. */
export interface Column { name: string; label: string; type?: 'text' | 'number' | 'datetime-local'; hint?: string }
