import { Injectable } from '@nestjs/common';
import { databaseAnswers } from '@portcullis/database';
import { DataSource } from 'typeorm';

/** Whether PostgreSQL answers, for the readiness probe. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  answers(): Promise<boolean> {
    return databaseAnswers(this.dataSource);
  }
}
