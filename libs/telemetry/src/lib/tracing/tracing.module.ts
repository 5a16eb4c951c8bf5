import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Tracing } from './tracing';

@Injectable()
class TracingShutdown implements OnApplicationShutdown {
  constructor(@Inject(Tracing) private readonly tracing: Tracing) {}

  /** Last: the spans of the shutdown itself (workers draining) are exported too. */
  async onApplicationShutdown(): Promise<void> {
    await this.tracing.shutdown();
  }
}

/** Flushes and stops a process's tracing when the Nest app shuts down. */
@Module({})
export class TracingModule {
  static forRoot(tracing: Tracing): DynamicModule {
    return {
      module: TracingModule,
      providers: [{ provide: Tracing, useValue: tracing }, TracingShutdown],
      exports: [Tracing],
    };
  }
}
