"""MySQL 8 dialect: sqlglot's MySQL parser, made as strict as MySQL."""

from dialects.mysql import native, policy, translate
from dialects.mysql.frontend import MySQLFrontend
from sqlparser.dialect import Dialect

DIALECT = Dialect(
    name="mysql",
    schemes=("mysql", "mysql+pymysql", "mysql+mysqldb", "mysql+mysqlconnector", "mariadb", "mariadb+pymysql"),
    frontend=MySQLFrontend,
    sqlglot_dialect="mysql",
    native_normalizers=native.NATIVE_NORMALIZERS,
    native_options={},
    policy=policy.RULES,
    translate=translate.RULES,
)
