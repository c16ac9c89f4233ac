#ifndef CMYSQL_SHIM_H
#define CMYSQL_SHIM_H
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#endif
