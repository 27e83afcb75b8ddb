"""MySQL 8 dialect: sqlglot's MySQL parser, made as strict as MySQL."""

from dialects.mysql.frontend import MySQLFrontend
from dialects.mysql.native import NATIVE_NORMALIZERS
from sqlparser.registry import Dialect, register_dialect

register_dialect(
    Dialect(
        name="mysql",
        schemes=("mysql", "mysql+pymysql", "mysql+mysqldb", "mysql+mysqlconnector", "mariadb", "mariadb+pymysql"),
        frontend=MySQLFrontend,
        sqlglot_dialect="mysql",
        native_normalizers=NATIVE_NORMALIZERS,
    )
)
