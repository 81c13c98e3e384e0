// libpq, loaded on first use.
//
// migrate does not link libpq: loading it (and the TLS, Kerberos and LDAP libraries it
// pulls in) costs more than the rest of start-up together, and most commands on SQLite
// never need it. This file defines the libpq functions the dialect calls; each forwards
// to the real one, looked up in libpq.so.5 the first time any of them is called.
#include <dlfcn.h>

#include <string>

#include <libpq-fe.h>

#include <migrate/error.hpp>

namespace {

void* libpq() {
  static void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw migrate::DatabaseError(std::string("PostgreSQL support needs libpq (Debian package libpq5): ") +
                                 (why ? why : "cannot load libpq.so.5"));
  }
  return handle;
}

template <class F>
F lookup(const char* name) {
  void* f = dlsym(libpq(), name);
  if (!f) throw migrate::DatabaseError(std::string("libpq.so.5 has no function ") + name);
  return reinterpret_cast<F>(f);
}

}  // namespace

// Each forwarder resolves its target once (thread-safe static initialisation).
#define MIGRATE_LIBPQ_FORWARD(ret, name, params, args)        \
  extern "C" ret name params {                               \
    static const auto real = lookup<decltype(&::name)>(#name); \
    return real args;                                        \
  }

MIGRATE_LIBPQ_FORWARD(PGconn*, PQconnectdbParams,
                      (const char* const* keywords, const char* const* values, int expand_dbname),
                      (keywords, values, expand_dbname))
MIGRATE_LIBPQ_FORWARD(PGconn*, PQconnectdb, (const char* conninfo), (conninfo))
MIGRATE_LIBPQ_FORWARD(ConnStatusType, PQstatus, (const PGconn* conn), (conn))
MIGRATE_LIBPQ_FORWARD(char*, PQerrorMessage, (const PGconn* conn), (conn))
MIGRATE_LIBPQ_FORWARD(void, PQfinish, (PGconn * conn), (conn))
MIGRATE_LIBPQ_FORWARD(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn * conn, PQnoticeProcessor proc, void* arg),
                      (conn, proc, arg))
MIGRATE_LIBPQ_FORWARD(PGTransactionStatusType, PQtransactionStatus, (const PGconn* conn), (conn))
MIGRATE_LIBPQ_FORWARD(PGresult*, PQexec, (PGconn * conn, const char* query), (conn, query))
MIGRATE_LIBPQ_FORWARD(PGresult*, PQexecParams,
                      (PGconn * conn, const char* command, int nParams, const Oid* paramTypes,
                       const char* const* paramValues, const int* paramLengths, const int* paramFormats,
                       int resultFormat),
                      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
MIGRATE_LIBPQ_FORWARD(int, PQsendQueryParams,
                      (PGconn * conn, const char* command, int nParams, const Oid* paramTypes,
                       const char* const* paramValues, const int* paramLengths, const int* paramFormats,
                       int resultFormat),
                      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))
MIGRATE_LIBPQ_FORWARD(int, PQsendPrepare,
                      (PGconn * conn, const char* stmtName, const char* query, int nParams, const Oid* paramTypes),
                      (conn, stmtName, query, nParams, paramTypes))
MIGRATE_LIBPQ_FORWARD(int, PQsendQueryPrepared,
                      (PGconn * conn, const char* stmtName, int nParams, const char* const* paramValues,
                       const int* paramLengths, const int* paramFormats, int resultFormat),
                      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat))
MIGRATE_LIBPQ_FORWARD(PGresult*, PQgetResult, (PGconn * conn), (conn))
MIGRATE_LIBPQ_FORWARD(int, PQenterPipelineMode, (PGconn * conn), (conn))
MIGRATE_LIBPQ_FORWARD(int, PQexitPipelineMode, (PGconn * conn), (conn))
MIGRATE_LIBPQ_FORWARD(int, PQpipelineSync, (PGconn * conn), (conn))
MIGRATE_LIBPQ_FORWARD(char*, PQcmdTuples, (PGresult * res), (res))
MIGRATE_LIBPQ_FORWARD(char*, PQcmdStatus, (PGresult * res), (res))
MIGRATE_LIBPQ_FORWARD(ExecStatusType, PQresultStatus, (const PGresult* res), (res))
MIGRATE_LIBPQ_FORWARD(char*, PQresultErrorMessage, (const PGresult* res), (res))
MIGRATE_LIBPQ_FORWARD(char*, PQresultErrorField, (const PGresult* res, int fieldcode), (res, fieldcode))
MIGRATE_LIBPQ_FORWARD(int, PQntuples, (const PGresult* res), (res))
MIGRATE_LIBPQ_FORWARD(int, PQnfields, (const PGresult* res), (res))
MIGRATE_LIBPQ_FORWARD(char*, PQgetvalue, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
MIGRATE_LIBPQ_FORWARD(int, PQgetlength, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
MIGRATE_LIBPQ_FORWARD(int, PQgetisnull, (const PGresult* res, int tup_num, int field_num), (res, tup_num, field_num))
MIGRATE_LIBPQ_FORWARD(void, PQclear, (PGresult * res), (res))
