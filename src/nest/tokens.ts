/** The injection token of the core: `constructor(@Inject(TESSERA) tessera: Tessera)`. */
export const TESSERA = Symbol('tessera');

/** What the module runs on (internal): the core, its views' middleware, and whether the module made the core. */
export const TESSERA_RUNTIME = Symbol('tessera runtime');

/** The options given to `forRoot` or made by `forRootAsync`'s factory (internal). */
export const TESSERA_OPTIONS = Symbol('tessera options');
