import { type DynamicModule, Module } from '@nestjs/common';
import { Route53Service, type Route53ServiceOptions } from './route53.service';

@Module({})
export class Route53Module {
  /** Global, so that every flow library injects the one Route53Service and its one batcher. */
  static forRoot(options: Route53ServiceOptions): DynamicModule {
    return {
      module: Route53Module,
      global: true,
      providers: [{ provide: Route53Service, useFactory: () => Route53Service.create(options) }],
      exports: [Route53Service],
    };
  }
}
