import { Inject, Module, type DynamicModule, type FactoryProvider, type ModuleMetadata, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, type AbstractHttpAdapter } from '@nestjs/core';
import { TesseraExceptionFilter } from './exception-filter.js';
import { openRuntime, type TesseraModuleOptions, type TesseraRuntime } from './runtime.js';
import { TESSERA, TESSERA_OPTIONS, TESSERA_RUNTIME } from './tokens.js';

/** `TesseraModule.forRootAsync`'s options: the options made by a factory, from what it injects (a `ConfigService`, ...). */
export interface TesseraModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (...injected: never[]) => TesseraModuleOptions | Promise<TesseraModuleOptions>;
}

/**
 * tessera in a Nest application, as a global module: the core under the `TESSERA` token, the
 * token, account and session views served in front of the application's routes, and
 * `TesseraExceptionFilter` registered globally. Protect routes with `TesseraAuthGuard`.
 */
@Module({})
export class TesseraModule implements OnModuleInit, OnApplicationShutdown {
  private mounted = false;

  constructor(
    @Inject(TESSERA_RUNTIME) private readonly runtime: TesseraRuntime,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    // `NestFactory.create` builds the modules before `listen()` registers Nest's own body
    // parsers: mounted now, the views read their bodies themselves, with DRF's parse errors.
    this.mountViews();
  }

  /** The module for `options`: a core (yours), or settings the module makes one from. */
  static forRoot(options: TesseraModuleOptions): DynamicModule {
    return TesseraModule.with({ provide: TESSERA_OPTIONS, useValue: options }, []);
  }

  /** The module with options a factory makes from injected providers (`ConfigService`, ...). */
  static forRootAsync(options: TesseraModuleAsyncOptions): DynamicModule {
    return TesseraModule.with({ provide: TESSERA_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, options.imports ?? []);
  }

  private static with(optionsProvider: Provider, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: TesseraModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        { provide: TESSERA_RUNTIME, useFactory: openRuntime, inject: [TESSERA_OPTIONS] },
        { provide: TESSERA, useFactory: (runtime: TesseraRuntime) => runtime.tessera, inject: [TESSERA_RUNTIME] },
        { provide: APP_FILTER, useClass: TesseraExceptionFilter },
      ],
      // The runtime too, for `TesseraNotFoundFilter` in the application's module.
      exports: [TESSERA, TESSERA_RUNTIME],
    };
  }

  /** A testing module (`Test.createTestingModule`) gets its HTTP adapter only now. */
  onModuleInit(): void {
    this.mountViews();
  }

  /** Waits for audit writes still running; closes the core if the module made it. */
  async onApplicationShutdown(): Promise<void> {
    await this.runtime.views.close();
    if (this.runtime.owned) await this.runtime.tessera.close();
  }

  private mountViews(): void {
    const adapter = this.adapterHost.httpAdapter as AbstractHttpAdapter | undefined;
    if (this.mounted || !adapter) return;
    adapter.use(this.runtime.views.router);
    this.mounted = true;
  }
}
