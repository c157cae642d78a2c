import postgres from 'postgres';

/** A small client on a test gateway's database, for what the API does not (yet) expose; end it after use. */
export function connectTestDatabase(databaseUrl: string): postgres.Sql {
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
}
