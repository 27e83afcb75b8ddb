"""MySQL 8 dialect: sqlglot's MySQL parser, made as strict as MySQL."""

from dialects.mysql import policy, printing, translate
from dialects.mysql.frontend import MySQLFrontend
from sqlparser.dialect import Dialect, FunctionNormalizer

DIALECT = Dialect(
    name="mysql",
    schemes=("mysql", "mysql+pymysql", "mysql+mysqldb", "mysql+mysqlconnector", "mariadb", "mariadb+pymysql"),
    frontend=MySQLFrontend,
    sqlglot_dialect="mysql",
    native_normalizers=(FunctionNormalizer(printing.normalize, printing.applies),),
    native_options={},
    policy=policy.RULES,
    translate=translate.RULES,
)
